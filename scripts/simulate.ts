import { parseArgs } from 'node:util';
import { startSimulator } from './simulator/simulator.js';
import { progressLine } from './simulator/stats.js';

/**
 * Simulated checkout traffic against a running server.
 *   npx tsx scripts/simulate.ts --key sl_test_… [--url http://localhost:3000] [--rate 30] [--max 300]
 *     [--speed 1] [--heartbeat-ms 10000] [--seed 1] [--duration 0]
 */
const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.PUBLIC_URL ?? 'http://localhost:3000' },
    key: { type: 'string', default: process.env.CHECKOUT_PULSE_KEY },
    rate: { type: 'string', default: '30' },
    max: { type: 'string', default: '300' },
    speed: { type: 'string', default: '1' },
    'heartbeat-ms': { type: 'string', default: '10000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    duration: { type: 'string', default: '0' },
  },
});
if (!values.key) {
  console.error('simulate: --key sl_test_… is required (create one with: npx checkout-pulse keys create --merchant demo --mode test)');
  process.exit(2);
}
const simulator = startSimulator({
  url: values.url, key: values.key, arrivalsPerMinute: Number(values.rate), maxConcurrent: Number(values.max),
  heartbeatMs: Number(values['heartbeat-ms']), speed: Number(values.speed), seed: Number(values.seed),
});
const tty = process.stdout.isTTY;
const progress = setInterval(() => {
  const line = progressLine(simulator.stats);
  if (tty) process.stdout.write(`\r\x1b[2K${line}`);
  else console.log(line);
}, tty ? 500 : 10_000);
const stop = async () => {
  clearInterval(progress);
  await simulator.stop();
  if (tty) process.stdout.write('\n');
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
if (Number(values.duration) > 0) setTimeout(() => void stop(), Number(values.duration) * 1000);
