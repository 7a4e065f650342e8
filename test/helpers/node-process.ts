import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { FAST_PRESENCE, LIMITS_OFF, TEST_METRICS_TOKEN } from './node.js';

export interface NodeProcess {
  port: number;
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code once the process ended. */
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
  /** The process's last lines of output, for a failure's message. */
  output(): string;
}

const OUTPUT_LINES = 30;

const MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));

/**
 * The real server entry (`server/main.ts`) in a child process, so a test can kill it hard. `PORT`
 * in `env` fixes its port (a node restarted where a balancer expects it); any free one otherwise.
 */
export async function startNodeProcess(redisUrl: string, env: Record<string, string> = {}): Promise<NodeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, ...FAST_PRESENCE, ...LIMITS_OFF, METRICS_TOKEN: TEST_METRICS_TOKEN, PUBLIC_URL: 'http://checkout-pulse.test', ...env, REDIS_URL: redisUrl, PORT: env.PORT ?? '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A run that crashes takes its nodes with it rather than leaving them busy in the background.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  let stderr = '';
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > OUTPUT_LINES) tail.shift();
  };
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const line of chunk.toString().split('\n')) if (line) keep(line);
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      keep(line);
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'checkout pulse listening' && entry.port) resolve(entry.port);
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening: ${stderr}`)));
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    kill(signal) {
      child.kill(signal);
      return exited;
    },
    output: () => tail.join('\n'),
  };
}
