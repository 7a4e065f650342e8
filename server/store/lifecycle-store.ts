import type { PaymentMethod } from '../../shared/session.js';
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
  markRecoverySent: 'send a recovery for',
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

/** Typed wrappers of the lifecycle scripts: one transition, one stream event each. */
export class LifecycleStore {
  constructor(private readonly ctx: StoreContext) {}

  private async run<T = string>(script: string, tenant: Tenant, args: ReadonlyArray<string | number>): Promise<T> {
    return refuseOr<T>(script, await transition(this.ctx, script, tenantPrefix(tenant), args));
  }

  /** Applies a funnel or payment outcome; resolves once it is written and streamed. */
  async applyEvent(tenant: Tenant, sessionId: string, event: SessionEventBody): Promise<SuccessResult | { eventId: string }> {
    const pm = (method: PaymentMethod | undefined) => encodeFields({ pm: method });
    switch (event.type) {
      case 'details_provided':
        return { eventId: await this.run('provideDetails', tenant, [sessionId, ...encodeFields({ em: event.email })]) };
      case 'payment_method_selected':
        return { eventId: await this.run('selectPaymentMethod', tenant, [sessionId, event.method]) };
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
