import type { SessionStatus } from '../../shared/session.js';
import type { AppContext } from '../app-context.js';
import type { Tenant } from '../store/keys.js';
import type { FunnelStep } from '../store/lifecycle-store.js';

export type PageFunnelEvent = FunnelStep;

/** Applies a funnel step a checkout page reported; resolves to the session's status after it. */
export type PageFunnel = (tenant: Tenant, sessionId: string, event: PageFunnelEvent) => Promise<{ status: SessionStatus }>;

/** Pages report the same funnel steps as the merchant's backend, through the same transitions. */
export function pageFunnel(ctx: AppContext): PageFunnel {
  return async (tenant, sessionId, event) => {
    const { status } = await ctx.lifecycle.applyFunnelStep(tenant, sessionId, event);
    return { status };
  };
}
