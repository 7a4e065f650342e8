import type { Clock } from '../clock.js';
import type { RedisClient } from '../redis/connect.js';
import { credentialRecords, type CredentialRecords } from './credential-records.js';
import { keys } from './keys.js';

/** A credential by the SHA-256 of its secret: a board token or a secret API key. */
export type CredentialKind = 'boardToken' | 'apiKey';

/** Who holds a credential now, for checks that must see a revocation at once (a board's cookie). */
export class CredentialOwners {
  private readonly records: CredentialRecords;

  constructor(redis: RedisClient, clock: Clock) {
    this.records = credentialRecords(redis, clock);
  }

  /** The merchant the credential belongs to, or undefined once it is revoked (or never was). */
  async owner(kind: CredentialKind, digest: string): Promise<string | undefined> {
    const record = await this.records.readFresh(kind === 'boardToken' ? keys.boardToken(digest) : keys.apiKey(digest));
    return record.merchantId || undefined;
  }
}
