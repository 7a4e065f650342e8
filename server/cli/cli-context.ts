import { merchantId as merchantIdSchema, mode as modeSchema } from '../../shared/ids.js';
import type { RedisClient } from '../redis/connect.js';

export interface CliContext {
  redis: RedisClient;
  print(value: unknown): void;
}

export class UsageError extends Error {}

export function merchantAndMode(values: { merchant?: string | undefined; mode?: string | undefined }) {
  const merchant = merchantIdSchema.safeParse(values.merchant);
  const mode = modeSchema.safeParse(values.mode);
  if (!merchant.success) throw new UsageError('--merchant ID is required (letters, digits, _ or -)');
  if (!mode.success) throw new UsageError('--mode must be live or test');
  return { merchantId: merchant.data, mode: mode.data };
}
