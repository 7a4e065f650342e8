import type { CheckoutSession, CreateSessionBody } from '../../shared/session.js';
import { encodeMetadata, type FieldCode, type MetadataCode } from './session-codec.js';

/** Stored field pairs, before encodeFields turns them into a script's arguments. */
export type SessionFields = Partial<Record<FieldCode | MetadataCode, string | number | boolean | null | undefined>>;

/** A session as the API creates it; its lifetime is given apart. */
export type NewSession = Omit<CreateSessionBody, 'expiresInMs'>;

/** A new session's fields as stored. */
export function newSessionFields(session: NewSession): SessionFields {
  const { customer, product } = session;
  return {
    src: session.source, amt: session.totalAmount, cur: session.currency, host: session.domainHost, lang: session.language,
    em: customer.email, nm: customer.name, co: customer.country, ci: customer.city,
    pid: product.id, pn: product.name, q: product.quantity,
    lnk: session.linkId, cus: session.customerId, iid: session.integrationId, ity: session.integrationType,
    etx: session.externalTransactionId,
    ...encodeMetadata(session.metadata),
  };
}

/** What a checkout page's handshake tells of its device and whereabouts, named as the session names them. */
export interface VisitorDetails {
  device?: Partial<CheckoutSession['device']>;
  customer?: Partial<Pick<CheckoutSession['customer'], 'ip' | 'country' | 'city'>>;
}

/** A visitor's details as stored fields. */
export function visitorDetailsFields(context: VisitorDetails): SessionFields {
  const { device = {}, customer = {} } = context;
  return { dt: device.type, os: device.os, br: device.browser, ip: customer.ip, co: customer.country, ci: customer.city };
}
