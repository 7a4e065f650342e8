#!/usr/bin/env node
// Part of `npm run check`: every package the server ships with (`npm ls --omit=dev`) must be under a
// licence that allows closed use (no GPL, AGPL, SSPL or LGPL unless offered with a permissive
// alternative, `(MIT OR GPL-3.0)`), and must declare it runs on this Node (`engines.node`).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

const COPYLEFT = /^(A?GPL|LGPL|SSPL)/i;

/** The package's licence as an SPDX expression (older packages give an object or a list). */
function licenceOf(pkg) {
  const value = pkg.license ?? pkg.licenses;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((l) => (typeof l === 'string' ? l : l?.type)).filter(Boolean).join(' OR ');
  if (value && typeof value === 'object' && typeof value.type === 'string') return value.type;
  return 'UNKNOWN';
}

/**
 * True when the expression can be taken without copyleft: some `OR` alternative whose every `AND`
 * part is not copyleft. (Parentheses are flattened: enough for the expressions packages publish.)
 */
export function permissive(expression) {
  const alternatives = expression.replace(/[()]/g, ' ').split(/\s+OR\s+/i);
  return alternatives.some((alternative) => alternative.split(/\s+AND\s+/i).every((id) => !COPYLEFT.test(id.trim().replace(/\+$/, ''))));
}

const root = join(import.meta.dirname, '..');
const paths = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  .split('\n').filter((line) => line && line !== root);
const problems = [];
const seen = new Set();
for (const path of paths) {
  const pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8'));
  const id = `${pkg.name}@${pkg.version}`;
  if (seen.has(id)) continue;
  seen.add(id);
  const licence = licenceOf(pkg);
  if (!permissive(licence)) problems.push(`${id}: copyleft licence ${licence}`);
  const engines = pkg.engines?.node;
  if (typeof engines === 'string' && semver.validRange(engines) && !semver.satisfies(process.versions.node, engines, { includePrerelease: true })) {
    problems.push(`${id}: engines.node "${engines}" excludes this Node ${process.versions.node}`);
  }
}
if (problems.length > 0) {
  process.stderr.write(`Production dependencies that must not ship:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`${JSON.stringify({ licences: 'ok', engines: 'ok', packages: seen.size })}\n`);
