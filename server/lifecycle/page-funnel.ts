import type { PaymentMethod, SessionStatus } from '../../shared/session.js';
import type { AppContext } from '../app-context.js';
import { keys, tenantPrefix, type Tenant } from '../store/keys.js';

export type PageFunnelEvent =
  | { type: 'details_provided'; email?: string }
  | { type: 'payment_method_selected'; method: PaymentMethod };

/** Applies a funnel step a checkout page reported; resolves to the session's status after it. */
export type PageFunnel = (tenant: Tenant, sessionId: string, event: PageFunnelEvent) => Promise<{ status: SessionStatus }>;

/** Pages report the same funnel steps as the merchant's backend, through the same transitions. */
export function pageFunnel(ctx: AppContext): PageFunnel {
  return async (tenant, sessionId, event) => {
    await ctx.lifecycle.applyEvent(tenant, sessionId, event);
    const status = await ctx.redis.hget(keys.session(tenantPrefix(tenant), sessionId), 'st');
    return { status: (status ?? 'active') as SessionStatus };
  };
}
