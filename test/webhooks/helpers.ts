import type { TestNode } from '../helpers/node.js';

/** One sweep by hand, then every send it started finished and recorded. */
export async function pump(node: TestNode): Promise<void> {
  await node.app.sweeper.tick();
  await node.app.webhooks.idle();
}

export const WEBHOOK_ENV = { WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_TIMEOUT_MS: '300' } as const;
