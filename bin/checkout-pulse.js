#!/usr/bin/env node
// The administration tool; runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
