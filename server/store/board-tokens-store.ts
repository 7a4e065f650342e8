import type { Clock } from '../clock.js';
import type { RedisClient } from '../redis/connect.js';
import { credentialRecords, type CredentialRecords } from './credential-records.js';
import { keys, type Tenant } from './keys.js';
import { publishRevocation } from './revocations.js';
import { randomToken, safeEqual, sha256 } from './secrets.js';

export interface BoardTokenRecord extends Tenant {
  createdAt: number;
}

const TOKEN_PATTERN = /^bt_[A-Za-z0-9_-]{32}$/;

/** Read-only board links: random tokens stored by their SHA-256, revocable. */
export class BoardTokenStore {
  private readonly records: CredentialRecords;

  constructor(private readonly redis: RedisClient, private readonly clock: Clock) {
    this.records = credentialRecords(redis, clock);
  }

  async create(tenant: Tenant): Promise<string> {
    const token = `bt_${randomToken(24)}`;
    const digest = sha256(token);
    await this.redis.hset(keys.boardToken(digest), { merchantId: tenant.merchantId, mode: tenant.mode, digest, createdAt: this.clock.now() });
    return token;
  }

  async revoke(token: string): Promise<boolean> {
    if (!TOKEN_PATTERN.test(token)) return false;
    const name = keys.boardToken(sha256(token));
    this.records.forget(name);
    const revoked = (await this.redis.del(name)) === 1;
    if (revoked) await publishRevocation(this.redis, sha256(token));
    return revoked;
  }

  async verify(token: string): Promise<BoardTokenRecord | undefined> {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const digest = sha256(token);
    const record = await this.records.read(keys.boardToken(digest));
    if (!record.digest || !safeEqual(record.digest, digest)) return undefined;
    if ((record.mode !== 'live' && record.mode !== 'test') || !record.merchantId) return undefined;
    return { merchantId: record.merchantId, mode: record.mode, createdAt: Number(record.createdAt) };
  }
}
