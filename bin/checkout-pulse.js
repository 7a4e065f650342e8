#!/usr/bin/env -S node --max-semi-space-size=64
// The administration tool; runs the TypeScript sources through tsx. `sessions import` keeps a few
// batches of 500 sessions in flight: a 64 MB young generation lets them die young instead of being
// copied and promoted by every scavenge.
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');
