import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config.env).toMatchObject({
      PORT: 3000, HEARTBEAT_INTERVAL_MS: 10_000, PRESENCE_TIMEOUT_MS: 30_000, OFFLINE_GRACE_MS: 5_000,
      ABANDON_AFTER_MS: 1_800_000, SESSION_TTL_MS: 86_400_000, LOG_LEVEL: 'info',
    });
    expect(config.env.REDIS_URL).toBeUndefined();
    expect(config.env.SMTP_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: '70000' }, 'PORT'],
    [{ REDIS_URL: 'http://localhost' }, 'REDIS_URL'],
    [{ SMTP_URL: 'mailto:x' }, 'SMTP_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ OFFLINE_GRACE_MS: '40000' }, 'OFFLINE_GRACE_MS'],
    [{ HEARTBEAT_INTERVAL_MS: '20000' }, 'HEARTBEAT_INTERVAL_MS'],
    [{ PRESENCE_TIMEOUT_MS: '0' }, 'PRESENCE_TIMEOUT_MS'],
  ])('refuses %j naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it.each([30_000, 10_000, 1_500, 300, 90_000])('presence timings keep the silent-death bound for a %i ms timeout', (timeout) => {
    const { presence } = loadConfig({ PRESENCE_TIMEOUT_MS: String(timeout), HEARTBEAT_INTERVAL_MS: String(Math.floor(timeout / 3)), OFFLINE_GRACE_MS: String(Math.floor(timeout / 6)) });
    // A dead node: its last renewal was at most one renew period ago; lease + one sweep fits in the timeout.
    expect(presence.leaseMs + presence.sweepIntervalMs).toBeLessThanOrEqual(timeout);
    // A silent socket: dropped after ping interval + ping timeout, then offline at once.
    expect(presence.pingIntervalMs + presence.pingTimeoutMs).toBeLessThanOrEqual(timeout);
    // A node that dies holding a sweep claim: the claim lapses before its pages' leases run out.
    expect(presence.sweepClaimMs).toBeLessThan(presence.leaseMs - presence.leaseRenewMs);
    // A renewal never arrives after the lease it extends has lapsed.
    expect(presence.leaseRenewMs * 2).toBeLessThan(presence.leaseMs);
    // Heartbeats are written at most half an interval late.
    expect(presence.flushIntervalMs).toBeLessThanOrEqual(presence.heartbeatIntervalMs / 2);
  });
});
