import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../server/clock.js';
import { connectRedis, type RedisClient } from '../../server/redis/connect.js';
import { RedisUnavailableError } from '../../server/redis/unavailable.js';
import { ApiKeyStore } from '../../server/store/api-keys-store.js';
import { configureCredentialRecords, CREDENTIAL_STALE_MS, CREDENTIAL_STALE_WAIT_MS } from '../../server/store/credential-records.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { eventually } from '../helpers/wait.js';

const CACHE_MS = 5_000;
let redis: TestRedis;
let here: RedisClient;
let elsewhere: RedisClient;
const clock = new ManualClock();

beforeAll(async () => {
  redis = await startTestRedis();
  // Two nodes' connections: "here" caches, "elsewhere" is where a revocation happens.
  here = connectRedis({ url: redis.url, commandTimeoutMs: 300 });
  elsewhere = connectRedis({ url: redis.url });
  configureCredentialRecords(here, clock, CACHE_MS);
  // A test restarts Redis: the refused reconnections meanwhile are expected, not news.
  for (const client of [here, elsewhere]) client.on('error', () => undefined);
});

afterAll(async () => {
  here?.disconnect();
  elsewhere?.disconnect();
  await redis?.stop();
});

describe('credentials cached on the node', () => {
  it('a key made elsewhere works at once; revoked elsewhere, it stops within the cache life; revoked here, at once', async () => {
    const keysHere = new ApiKeyStore(here, clock);
    const keysElsewhere = new ApiKeyStore(elsewhere, clock);
    const key = await keysElsewhere.create('acme', 'test');
    expect(await keysHere.verify(key)).toMatchObject({ merchantId: 'acme', mode: 'test' });
    await keysElsewhere.revoke(key);
    expect(await keysHere.verify(key)).toMatchObject({ merchantId: 'acme' });
    clock.advance(CACHE_MS);
    expect(await keysHere.verify(key)).toBeUndefined();

    const other = await keysElsewhere.create('acme', 'live');
    expect(await keysHere.verify(other)).toBeDefined();
    await keysHere.revoke(other);
    expect(await keysHere.verify(other)).toBeUndefined();
  });

  it('while Redis cannot answer, a key read recently still admits its merchant; unknown or long-unread keys fail as unavailable', async () => {
    const keysHere = new ApiKeyStore(here, clock);
    const key = await new ApiKeyStore(elsewhere, clock).create('globex', 'test');
    const neverRead = await new ApiKeyStore(elsewhere, clock).create('initech', 'test');
    expect(await keysHere.verify(key)).toBeDefined();
    await redis.down();
    try {
      clock.advance(CACHE_MS);
      expect(await keysHere.verify(key)).toMatchObject({ merchantId: 'globex' });
      await expect(keysHere.verify(neverRead)).rejects.toBeInstanceOf(RedisUnavailableError);
      clock.advance(CREDENTIAL_STALE_MS);
      await expect(keysHere.verify(key)).rejects.toBeInstanceOf(RedisUnavailableError);
    } finally {
      await redis.up();
    }
  });

  it('while Redis does not answer (a frozen shard), a key read recently admits its merchant without waiting out the command deadline', async () => {
    // Back from the restart above: this node's connection reconnects on its own backoff.
    await eventually(() => here.ping(), 5_000, 50);
    const keysHere = new ApiKeyStore(here, clock);
    const key = await new ApiKeyStore(elsewhere, clock).create('hooli', 'test');
    expect(await keysHere.verify(key)).toBeDefined();
    clock.advance(CACHE_MS);
    // Redis holds every client's commands meanwhile: open connections, no answers.
    await elsewhere.client('PAUSE', 1_000, 'ALL');
    const started = performance.now();
    expect(await keysHere.verify(key)).toMatchObject({ merchantId: 'hooli' });
    // Well under the 300 ms command deadline of `here`.
    expect(performance.now() - started).toBeLessThan(CREDENTIAL_STALE_WAIT_MS + 150);
    await new Promise((r) => setTimeout(r, 1_000));
  });
});
