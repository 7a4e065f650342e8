import type { PaymentMethod, SessionStatus } from '../../shared/session.js';
import type { AppContext } from '../app-context.js';
import type { Tenant } from '../store/keys.js';
import { Refusal, ScriptRefusal } from '../store/scripts.js';

export type PageFunnelEvent =
  | { type: 'details_provided'; email?: string }
  | { type: 'payment_method_selected'; method: PaymentMethod };

/** Applies a funnel step a checkout page reported; resolves to the session's status after it. */
export type PageFunnel = (tenant: Tenant, sessionId: string, event: PageFunnelEvent) => Promise<{ status: SessionStatus }>;

export function pageFunnel(_ctx: AppContext): PageFunnel {
  return () => Promise.reject(new ScriptRefusal(Refusal.IllegalTransition, 'funnel events are not accepted yet'));
}
