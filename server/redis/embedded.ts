import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { freePort } from './free-port.js';

export interface EmbeddedRedis {
  url: string;
  port: number;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  /** The server's process id, when this process started it (tests pause it with SIGSTOP). */
  pid?: number;
  /** SIGTERM lets Redis flush its append-only file; SIGKILL is a crash (tests). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface EmbeddedOptions {
  dir: string;
  /** AOF every second: the demo's data survives restarts. Tests may turn it off. */
  persist?: boolean;
  port?: number;
  /** More `redis-server` arguments (tests start Cluster nodes this way). */
  extraArgs?: readonly string[];
}

/** Settings that keep small hashes and sets in their compact encodings (see README, memory). */
const COMPACT_ENCODINGS = ['--hash-max-listpack-value', '256', '--zset-max-listpack-entries', '128'];

/** Starts a private `redis-server` child and resolves once it accepts connections. */
export async function startRedisServer(options: EmbeddedOptions): Promise<EmbeddedRedis> {
  const dir = resolve(options.dir);
  mkdirSync(dir, { recursive: true });
  const port = options.port ?? (await freePort());
  const persist = options.persist ?? true;
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', persist ? 'yes' : 'no', '--appendfsync', 'everysec',
    '--daemonize', 'no', '--loglevel', 'warning', '--logfile', '', ...COMPACT_ENCODINGS, ...(options.extraArgs ?? []),
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitUntilReady(child, port);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    owned: true,
    pid: child.pid,
    stop(signal = 'SIGTERM') {
      stopped ??= new Promise<void>((done) => {
        process.off('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill(signal);
      });
      return stopped;
    },
  };
}

function waitUntilReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolveReady, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) finish();
    };
    const onExit = (code: number | null) => fail(new Error(`redis-server exited (${code}) before it was ready:\n${output.slice(-2000)}`));
    const onError = (error: Error) => fail(new Error(`redis-server could not start: ${error.message}. Install it (apt-get install redis-server).`));
    const poll = setInterval(() => {
      // Some builds log readiness late; a PING-able port is just as good.
      void isListening(port).then((up) => up && finish());
    }, 50);
    function detach() {
      clearInterval(poll);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      // Keep draining so a full pipe never blocks the server; nothing listens any more.
      child.stdout?.resume();
      child.stderr?.resume();
    }
    function finish() { detach(); resolveReady(); }
    function fail(error: Error) { detach(); reject(error); }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

export function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host });
    const finish = (up: boolean) => { socket.destroy(); done(up); };
    socket.setTimeout(300, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('data', (data) => finish(data.toString().startsWith('+PONG')));
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

interface Marker { port: number; pid: number }

/**
 * The embedded Redis of a data directory: reaches the one already running on that data (another
 * server, or the CLI beside a running server), or starts one and records where it listens.
 */
export async function ensureEmbeddedRedis(dataDir: string): Promise<EmbeddedRedis> {
  const dir = resolve(dataDir, 'redis');
  const markerPath = join(dir, 'embedded.json');
  const marker = readMarker(markerPath);
  if (marker && (await isListening(marker.port))) {
    return { url: `redis://127.0.0.1:${marker.port}`, port: marker.port, owned: false, stop: async () => {} };
  }
  const redis = await startRedisServer({ dir, persist: true });
  writeFileSync(markerPath, JSON.stringify({ port: redis.port, pid: process.pid } satisfies Marker));
  return {
    ...redis,
    async stop() {
      await redis.stop();
      const current = readMarker(markerPath);
      if (current?.port === redis.port) rmSync(markerPath, { force: true });
    },
  };
}

function readMarker(path: string): Marker | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Partial<Marker>;
    return typeof value.port === 'number' && typeof value.pid === 'number' ? { port: value.port, pid: value.pid } : undefined;
  } catch {
    return undefined;
  }
}
