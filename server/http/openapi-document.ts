import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject } from 'zod-openapi';
import { presenceBeaconBody, sessionState } from '../../shared/checkout-socket.js';
import { errorEnvelope, type ErrorCode, ERROR_CODES } from '../../shared/errors.js';
import { sessionId } from '../../shared/ids.js';
import { listSessionsQueryInput, listSessionsResponse } from '../../shared/list-query.js';
import { METADATA_MAX_PAIRS, METADATA_VALUE_MAX } from '../../shared/metadata.js';
import { createdSession, createSessionBody, checkoutSession, sessionLookupQuery, sessionWithTimeline } from '../../shared/session.js';
import { sessionStats, sessionStatsQuery } from '../../shared/session-stats.js';
import { eventList, listEventsQuery } from '../../shared/events.js';
import {
  createdWebhookEndpoint, createWebhookEndpointBody, webhookDeliveryList, webhookEndpoint, webhookEndpointList, webhookEndpointPath,
} from '../../shared/webhooks.js';
import { emptyBody, idempotencyKey, renewBody, sessionEventBody } from '../../shared/session-events.js';

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

/** Headers the API really sends, as the document names them. */
const HEADERS = {
  'X-Request-Id': { description: 'Names this request in the server logs (every response carries it)', schema: { type: 'string' as const } },
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' as const, minimum: 0 } },
  'Idempotent-Replayed': { description: '`true` when this is the kept response of an earlier request with the same Idempotency-Key', schema: { type: 'string' as const, enum: ['true'] } },
  Location: { description: 'Where the created resource is read', schema: { type: 'string' as const } },
  Link: { description: 'The next page (`rel="next"`), pinned to the snapshot so pages neither skip nor repeat rows', schema: { type: 'string' as const } },
  'X-Snapshot-At': { description: 'createdAt of the newest session when the page was read', schema: { type: 'string' as const, format: 'date-time' } },
  'X-List-Plan': { description: 'Which index path answered (for operators)', schema: { type: 'string' as const } },
};
type HeaderName = keyof typeof HEADERS;
const headers = (...names: HeaderName[]) => Object.fromEntries(['X-Request-Id' as const, ...names].map((name) => [name, HEADERS[name]]));

function ok(description: string, schema: z.ZodType, ...extra: HeaderName[]) {
  return { description, headers: headers(...extra), ...json(schema) };
}

function errors(...codes: ErrorCode[]) {
  return Object.fromEntries(codes.map((code) => {
    const { statusCode, details } = ERROR_CODES[code];
    const extra: HeaderName[] = code === 'tooManyRequests' || code === 'serviceUnavailable' ? ['Retry-After'] : [];
    return [String(statusCode), { description: details, headers: headers(...extra), ...json(errorEnvelope) }];
  }));
}

/** Every authenticated operation may answer these; `serviceUnavailable` while Redis is away. */
const COMMON = ['unauthorized', 'tooManyRequests', 'serverError', 'serviceUnavailable'] as const;
/** Operations taking a JSON body (16 kB at most) also answer 413; with an Idempotency-Key, 409 and 422. */
const WITH_BODY = ['invalidParameters', 'payloadTooLarge'] as const;
const IDEMPOTENT = ['conflict', 'unprocessableEntity'] as const;
const byId = z.object({ id: sessionId });
const idempotencyHeader = z.object({
  'Idempotency-Key': idempotencyKey.optional().meta({ description: 'Retry safely: a replay returns the first response; the same key with another body is refused.' }),
});

function action(operationId: string, summary: string, description: string, body?: z.ZodType): ZodOpenApiOperationObject {
  return {
    operationId,
    summary,
    description,
    tags: ['Sessions'],
    requestParams: { path: byId, query: sessionLookupQuery, header: idempotencyHeader },
    ...(body ? { requestBody: json(body) } : {}),
    responses: {
      '200': ok('The session after the action', checkoutSession, 'Idempotent-Replayed'),
      ...errors(...WITH_BODY, 'forbidden', 'notFound', ...IDEMPOTENT, ...COMMON),
    },
  };
}

/**
 * A field the server fills in when absent is optional in a request. Code generators read a JSON
 * Schema `default` as "always present" (openapi-typescript makes such a field required), so request
 * schemas say their defaults in words instead.
 */
function requestDefaultsInWords({ jsonSchema, io }: { jsonSchema: Record<string, unknown>; io: 'input' | 'output' }): void {
  if (io !== 'input' || !('default' in jsonSchema)) return;
  const fallback = JSON.stringify(jsonSchema.default);
  delete jsonSchema.default;
  const description = typeof jsonSchema.description === 'string' ? `${jsonSchema.description} ` : '';
  jsonSchema.description = `${description}Default: ${fallback}.`;
}

/** OpenAPI 3.1 of the whole API, generated from the shared schemas (there is no hand-kept copy). */
export function openApiDocument(serverUrl: string) {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Checkout Pulse API',
      version: '1.0.0',
      description: 'Checkout sessions, their lifecycle and live presence. Authenticate with a secret key in the `selectkey` header; '
        + 'a test key (`sl_test_…`) reaches test data only, a live key may ask for test data with `domainAmbient=test`.',
    },
    servers: [{ url: serverUrl }],
    security: [{ selectkey: [] }],
    components: { securitySchemes: { selectkey: { type: 'apiKey', in: 'header', name: 'selectkey' } } },
    paths: {
      '/v1/checkouts/sessions': {
        get: {
          operationId: 'listSessions',
          summary: 'List sessions',
          description: 'Every filter of the source API; `total` is exact; ordered by createdAt, then id.',
          tags: ['Sessions'],
          requestParams: { query: listSessionsQueryInput },
          // `metadata[key]=value`: a family of parameters, which OpenAPI writes as one deepObject.
          parameters: [{
            name: 'metadata', in: 'query', style: 'deepObject', explode: true,
            description: 'Sessions whose metadata holds every given pair: metadata[order]=A-1042',
            schema: { type: 'object', maxProperties: METADATA_MAX_PAIRS, additionalProperties: { type: 'string', minLength: 1, maxLength: METADATA_VALUE_MAX } },
          }],
          responses: { '200': ok('A page of sessions', listSessionsResponse, 'Link', 'X-Snapshot-At', 'X-List-Plan'), ...errors('invalidParameters', 'forbidden', ...COMMON) },
        },
        post: {
          operationId: 'createSession',
          summary: 'Create a session',
          description: 'Returns the session and a `clientSecret` that authenticates this one session for its checkout page.',
          tags: ['Sessions'],
          requestParams: { header: idempotencyHeader },
          requestBody: json(createSessionBody),
          responses: { '201': ok('Created', createdSession, 'Location', 'Idempotent-Replayed'), ...errors(...WITH_BODY, ...IDEMPOTENT, ...COMMON) },
        },
      },
      '/v1/checkouts/sessions/{id}': {
        get: {
          operationId: 'getSession',
          summary: 'Read a session with its timeline',
          tags: ['Sessions'],
          requestParams: { path: byId, query: sessionLookupQuery },
          responses: { '200': ok('The session', sessionWithTimeline), ...errors('invalidParameters', 'forbidden', 'notFound', ...COMMON) },
        },
        delete: action('expireSession', 'Expire a session now', 'Open, failed and abandoned sessions become expired.'),
      },
      '/v1/checkouts/sessions/{id}/events': {
        post: action('reportSessionEvent', 'Report a funnel step or payment outcome', 'From the merchant backend or payment provider. The body is flat and discriminated by `type`.', sessionEventBody),
      },
      '/v1/checkouts/sessions/{id}/recovery': {
        post: action('sendRecoveryEmail', 'Send the recovery email', 'Sends the customer a link that renews the session; sets `recoverySent`.', emptyBody),
      },
      '/v1/checkouts/sessions/{id}/receipt': {
        post: action('resendReceipt', 'Resend the receipt', 'Completed sessions only.', emptyBody),
      },
      '/v1/checkouts/sessions/{id}/renew': {
        post: action('renewSession', 'Renew a session', 'Abandoned or expired sessions open again with a new expiry.', renewBody),
      },
      '/v1/presence': {
        post: {
          operationId: 'sendPresenceBeacon',
          summary: 'Presence beacon',
          description: 'For `navigator.sendBeacon` on pagehide (`left`) and for pages without a socket (`hb`). Authenticated by the session\'s client secret in the body; any content type is read as JSON.',
          tags: ['Presence'],
          security: [],
          requestBody: { content: { 'text/plain': { schema: presenceBeaconBody }, 'application/json': { schema: presenceBeaconBody } } },
          responses: {
            '200': ok('Heartbeat recorded (`hb`)', sessionState),
            '202': ok('Leave recorded (`left`)', z.object({ ok: z.literal(true) })),
            ...errors(...WITH_BODY, ...COMMON),
          },
        },
      },
      '/v1/checkouts/stats': {
        get: {
          operationId: 'getSessionStats',
          summary: 'Headline counts',
          description: 'Exact counts over every session of the tenant (online now, open, failed in the last hour, abandoned, expired, succeeded and created today), from the same indexes as the list. `since` is the start of the caller\'s day.',
          tags: ['Sessions'],
          requestParams: { query: sessionStatsQuery },
          responses: {
            '200': ok('The counts', sessionStats),
            ...errors('invalidParameters', 'forbidden', ...COMMON),
          },
        },
      },
      '/v1/events': {
        get: {
          operationId: 'listEvents',
          summary: 'The event feed',
          description: 'Every change of the tenant\'s sessions, in order, strictly after `after`. Follow it with `after` set to the last id received; '
            + 'a position older than the kept log is a 410 (list the sessions again, then follow from the newest event).',
          tags: ['Events'],
          requestParams: { query: listEventsQuery },
          responses: { '200': ok('A page of events', eventList), ...errors('invalidParameters', 'forbidden', 'gone', ...COMMON) },
        },
      },
      '/v1/webhook_endpoints': {
        get: {
          operationId: 'listWebhookEndpoints',
          summary: 'List webhook endpoints',
          tags: ['Webhooks'],
          requestParams: { query: sessionLookupQuery },
          responses: { '200': ok('The endpoints (without their secrets)', webhookEndpointList), ...errors('invalidParameters', 'forbidden', ...COMMON) },
        },
        post: {
          operationId: 'createWebhookEndpoint',
          summary: 'Create a webhook endpoint',
          description: 'Every event of the chosen types is POSTed to `url`, signed in `Checkout-Pulse-Signature` with the `secret` returned here (shown once). '
            + 'Live mode takes https URLs only; loopback, private, link-local and metadata addresses are refused.',
          tags: ['Webhooks'],
          requestParams: { query: sessionLookupQuery, header: idempotencyHeader },
          requestBody: json(createWebhookEndpointBody),
          responses: {
            '201': ok('Created; the only time the secret is shown', createdWebhookEndpoint, 'Location', 'Idempotent-Replayed'),
            ...errors(...WITH_BODY, 'forbidden', ...IDEMPOTENT, ...COMMON),
          },
        },
      },
      '/v1/webhook_endpoints/{id}': {
        get: {
          operationId: 'getWebhookEndpoint',
          summary: 'Read a webhook endpoint',
          tags: ['Webhooks'],
          requestParams: { path: webhookEndpointPath, query: sessionLookupQuery },
          responses: { '200': ok('The endpoint', webhookEndpoint), ...errors('invalidParameters', 'forbidden', 'notFound', ...COMMON) },
        },
        delete: {
          operationId: 'deleteWebhookEndpoint',
          summary: 'Delete a webhook endpoint',
          description: 'Nothing more is sent to it, pending retries included.',
          tags: ['Webhooks'],
          requestParams: { path: webhookEndpointPath, query: sessionLookupQuery, header: idempotencyHeader },
          responses: {
            '200': ok('The endpoint as it was', webhookEndpoint.extend({ deleted: z.literal(true) }), 'Idempotent-Replayed'),
            ...errors('invalidParameters', 'forbidden', 'notFound', ...IDEMPOTENT, ...COMMON),
          },
        },
      },
      '/v1/webhook_endpoints/{id}/deliveries': {
        get: {
          operationId: 'listWebhookDeliveries',
          summary: 'Recent delivery attempts of an endpoint',
          description: 'Newest first: the event, the attempt, the status code answered, how long it took and when the next retry is due.',
          tags: ['Webhooks'],
          requestParams: { path: webhookEndpointPath, query: sessionLookupQuery },
          responses: { '200': ok('The attempts', webhookDeliveryList), ...errors('invalidParameters', 'forbidden', 'notFound', ...COMMON) },
        },
      },
      '/v1/outbox': {
        get: {
          operationId: 'listOutbox',
          summary: 'Mail kept in the outbox',
          description: 'When no SMTP server is configured, mail is kept here per merchant instead of being sent.',
          tags: ['Mail'],
          requestParams: { query: sessionLookupQuery },
          responses: {
            '200': ok('Newest first', z.object({ data: z.array(z.object({ to: z.string(), subject: z.string(), text: z.string(), html: z.string().optional(), from: z.string(), at: z.string() })) })),
            ...errors('invalidParameters', 'forbidden', ...COMMON),
          },
        },
      },
    },
  }, { override: requestDefaultsInWords });
}
