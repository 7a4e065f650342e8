#!/usr/bin/env node
// Installs what is missing before `npm run demo` and `npm test`, with Node built-ins only:
// npm dependencies when node_modules is absent or older than package-lock.json, and the system
// programs (redis-server; chromium for the browser tests and haproxy for the balancer test) through
// apt-get when running as root.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wantsBrowser = process.argv.includes('--test');
const say = (line) => process.stdout.write(`setup: ${line}\n`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  return result.status === 0;
}

function has(command, args = ['--version']) {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.setup-lock-hash');
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === hash) return;
  say('installing npm dependencies (npm ci)');
  if (!run('npm', ['ci', '--no-audit', '--no-fund'])) {
    say('npm ci failed; see the output above');
    process.exit(1);
  }
  writeFileSync(marker, hash);
}

let aptUpdated = false;
function ensureDebianPackage(pkg, present) {
  if (present()) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get', ['--help'])) {
    say(`${pkg} is missing: install it (e.g. "sudo apt-get install -y ${pkg}") and run this again`);
    return false;
  }
  say(`installing ${pkg} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) aptUpdated = run('apt-get', ['update', '-qq'], { env });
  return run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env }) && present();
}

ensureNodeModules();
let ok = ensureDebianPackage('redis-server', () => has('redis-server'));
if (wantsBrowser) ok = ensureDebianPackage('chromium', () => existsSync('/usr/bin/chromium')) && ok;
if (wantsBrowser) ok = ensureDebianPackage('haproxy', () => has('haproxy', ['-v'])) && ok;
if (!ok) process.exit(1);
