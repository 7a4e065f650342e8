import type { Mode } from '../../shared/ids.js';
import type { Clock } from '../clock.js';
import type { RedisClient } from '../redis/connect.js';
import { credentialRecords, type CredentialRecords } from './credential-records.js';
import { keys, type Tenant } from './keys.js';
import { publishRevocation } from './revocations.js';
import { randomToken, safeEqual, sha256 } from './secrets.js';

export interface ApiKeyRecord extends Tenant {
  createdAt: number;
}

const KEY_PATTERN = /^sl_(live|test)_[A-Za-z0-9_-]{20,64}$/;

/**
 * Secret API keys (`sl_live_…`, `sl_test_…`). Only their SHA-256 is stored: a lookup goes by the
 * digest, and the stored digest is compared again in constant time.
 */
export class ApiKeyStore {
  private readonly records: CredentialRecords;

  constructor(private readonly redis: RedisClient, private readonly clock: Clock) {
    this.records = credentialRecords(redis, clock);
  }

  async create(merchantId: string, mode: Mode): Promise<string> {
    const key = `sl_${mode}_${randomToken(24)}`;
    const digest = sha256(key);
    await this.redis.hset(keys.apiKey(digest), { merchantId, mode, digest, createdAt: this.clock.now() });
    return key;
  }

  /** True when a key was revoked; false when it was unknown. */
  async revoke(key: string): Promise<boolean> {
    const name = keys.apiKey(sha256(key));
    this.records.forget(name);
    const revoked = (await this.redis.del(name)) === 1;
    if (revoked) await publishRevocation(this.redis, sha256(key));
    return revoked;
  }

  async verify(key: string): Promise<ApiKeyRecord | undefined> {
    if (!KEY_PATTERN.test(key)) return undefined;
    const digest = sha256(key);
    const record = await this.records.read(keys.apiKey(digest));
    if (!record.digest || !safeEqual(record.digest, digest)) return undefined;
    if (record.mode !== 'live' && record.mode !== 'test') return undefined;
    if (!record.merchantId || !key.startsWith(`sl_${record.mode}_`)) return undefined;
    return { merchantId: record.merchantId, mode: record.mode, createdAt: Number(record.createdAt) };
  }
}
