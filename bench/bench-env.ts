/**
 * Settings every benchmarked node runs with: one machine plays thousands of clients from one
 * address, so the per-IP and per-key limits are off, and links may point at localhost (DEMO).
 */
export const BENCH_NODE_ENV = {
  RATE_LIMIT_PER_IP: '0',
  RATE_LIMIT_PER_KEY: '0',
  RATE_LIMIT_AUTH_PER_IP: '0',
  RATE_LIMIT_HANDSHAKES_PER_IP: '0',
  DEMO: 'true',
} as const;
