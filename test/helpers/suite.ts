import { afterAll, beforeAll } from 'vitest';
import { startNode, type TestNode, type TestNodeOptions } from './node.js';
import { startTestRedis, type TestRedis } from './redis.js';

export interface TestSuite {
  redis: TestRedis;
  node: TestNode;
}

/** A private redis-server and one app node for the whole file, closed after it. */
export function useTestNode(options: TestNodeOptions = {}): TestSuite {
  const suite = {} as TestSuite;
  beforeAll(async () => {
    suite.redis = await startTestRedis();
    suite.node = await startNode(suite.redis.url, options);
  });
  afterAll(async () => {
    await suite.node?.close();
    await suite.redis?.stop();
  });
  return suite;
}
