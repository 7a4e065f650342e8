import type { PaymentMethod, SessionStatus } from '../../shared/session.js';
import type { SessionEventBody } from '../../shared/session-events.js';
import { tenantPrefix, type Tenant, type TenantPrefix } from './keys.js';
import { Refusal, ScriptRefusal } from './scripts.js';
import { encodeFields } from './session-codec.js';
import { transition, type StoreContext } from './store-context.js';

const VERBS: Record<string, string> = {
  provideDetails: 'provide details for',
  selectPaymentMethod: 'select a payment method for',
  attemptPayment: 'attempt payment on',
  failPayment: 'fail payment on',
  succeedPayment: 'complete',
  expireSession: 'expire',
  renewSession: 'renew',
  recordReceiptResent: 'resend the receipt of',
};

/** Turns a script's refusal into an error that says what was refused, or passes the reply on. */
function refuseOr<T>(script: string, reply: unknown): T {
  if (reply === Refusal.NotFound) throw new ScriptRefusal(Refusal.NotFound);
  if (Array.isArray(reply) && reply[0] === Refusal.IllegalTransition) {
    throw new ScriptRefusal(Refusal.IllegalTransition, `cannot ${VERBS[script] ?? script} a ${String(reply[1])} session`);
  }
  return reply as T;
}

export interface SuccessResult {
  /** The stream id of the event written ('' when the step changed nothing and nothing was written). */
  eventId: string;
  recovered: boolean;
}

/** A funnel step a checkout page reports as well as the merchant's backend. */
export type FunnelStep = Extract<SessionEventBody, { type: 'details_provided' | 'payment_method_selected' }>;

export interface StepResult {
  /** As in SuccessResult: '' when the step repeated one and nothing was written. */
  eventId: string;
  /** The session's status after the step, read in the same atomic step that applied it. */
  status: SessionStatus;
}

/** Typed wrappers of the lifecycle scripts: one transition, one stream event each. */
export class LifecycleStore {
  constructor(private readonly ctx: StoreContext) {}

  private async run<T = string>(script: string, tenant: Tenant, args: ReadonlyArray<string | number>): Promise<T> {
    return refuseOr<T>(script, await transition(this.ctx, script, tenantPrefix(tenant), args));
  }

  /** Applies a funnel or payment outcome; resolves once it is written and streamed. */
  async applyEvent(tenant: Tenant, sessionId: string, event: SessionEventBody): Promise<SuccessResult | StepResult | { eventId: string }> {
    const pm = (method: PaymentMethod | undefined) => encodeFields({ pm: method });
    switch (event.type) {
      case 'details_provided':
      case 'payment_method_selected':
        return this.applyFunnelStep(tenant, sessionId, event);
      case 'payment_attempted':
        return { eventId: await this.run('attemptPayment', tenant, [sessionId, ...pm(event.method)]) };
      case 'payment_failed':
        return { eventId: await this.run('failPayment', tenant, [sessionId, event.code, event.message, ...pm(event.method)]) };
      case 'payment_succeeded': {
        const [eventId, recovered] = await this.run<[string, string]>('succeedPayment', tenant, [sessionId, event.transactionId, ...encodeFields({
          etx: event.externalTransactionId, pu: event.portalUrl, ou: event.orderUrl, pm: event.method,
        })]);
        return { eventId, recovered: recovered === '1' };
      }
    }
  }

  /** Applies a funnel step; resolves to the status it left the session in. */
  async applyFunnelStep(tenant: Tenant, sessionId: string, step: FunnelStep): Promise<StepResult> {
    const [eventId, status] = step.type === 'details_provided'
      ? await this.run<[string, SessionStatus]>('provideDetails', tenant, [sessionId, ...encodeFields({ em: step.email })])
      : await this.run<[string, SessionStatus]>('selectPaymentMethod', tenant, [sessionId, step.method]);
    return { eventId, status };
  }

  expire(tenant: Tenant, sessionId: string): Promise<string> {
    return this.run('expireSession', tenant, [sessionId]);
  }

  renew(tenant: Tenant, sessionId: string, ttlMs: number): Promise<string> {
    return this.run('renewSession', tenant, [sessionId, ttlMs]);
  }

  markRecoverySent(tenant: Tenant, sessionId: string, maskedTo: string): Promise<string> {
    return this.run('markRecoverySent', tenant, [sessionId, maskedTo]);
  }

  recordReceiptResent(tenant: Tenant, sessionId: string, maskedTo: string): Promise<string> {
    return this.run('recordReceiptResent', tenant, [sessionId, maskedTo]);
  }

  /** Due abandonment of one tenant, claimed atomically. */
  async abandonDue(prefix: TenantPrefix, limit: number, now?: number): Promise<{ applied: number; more: boolean }> {
    const [applied, more] = (await transition(this.ctx, 'abandonDue', prefix, [limit], now)) as [number, number];
    return { applied, more: more === 1 };
  }

  /** Due expiry of one tenant, claimed atomically. */
  async expireDue(prefix: TenantPrefix, limit: number, now?: number): Promise<{ applied: number; more: boolean }> {
    const [applied, more] = (await transition(this.ctx, 'expireDue', prefix, [limit], now)) as [number, number];
    return { applied, more: more === 1 };
  }
}
