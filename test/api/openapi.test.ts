import { describe, expect, it } from 'vitest';
import { LIST_QUERY_PARAMS } from '../../shared/list-query.js';
import { useTestNode } from '../helpers/suite.js';

const suite = useTestNode();

interface Operation { parameters?: Array<{ name: string; in: string }>; requestBody?: unknown; responses: Record<string, unknown> }
interface Doc { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> } }

describe('OpenAPI', () => {
  it('documents every endpoint, parameter, body and error envelope', async () => {
    const res = await fetch(`${suite.node.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual([
      'DELETE /v1/checkouts/sessions/{id}', 'GET /v1/checkouts/sessions', 'GET /v1/checkouts/sessions/{id}', 'GET /v1/checkouts/stats', 'GET /v1/events', 'GET /v1/outbox',
      'POST /v1/checkouts/sessions', 'POST /v1/checkouts/sessions/{id}/events', 'POST /v1/checkouts/sessions/{id}/receipt',
      'POST /v1/checkouts/sessions/{id}/recovery', 'POST /v1/checkouts/sessions/{id}/renew', 'POST /v1/presence',
      'DELETE /v1/webhook_endpoints/{id}', 'GET /v1/webhook_endpoints', 'GET /v1/webhook_endpoints/{id}',
      'GET /v1/webhook_endpoints/{id}/deliveries', 'POST /v1/webhook_endpoints',
    ].sort());
    const listParams = doc.paths['/v1/checkouts/sessions']!.get!.parameters!.map((p) => p.name);
    expect(listParams.sort()).toEqual([...LIST_QUERY_PARAMS, 'metadata'].sort());
    for (const name of ['paymentmethodselected', 'paymentstepgte', 'attemptcountlte', 'completedAtGte', 'daterange', 'domainAmbient']) expect(listParams).toContain(name);
    expect(doc.paths['/v1/checkouts/sessions/{id}/events']!.post!.parameters!.map((p) => p.name)).toContain('Idempotency-Key');
    expect(doc.paths['/v1/checkouts/sessions/{id}/events']!.post!.requestBody).toBeDefined();
    expect(Object.keys(doc.paths['/v1/checkouts/sessions/{id}/events']!.post!.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404', '422', '429', '500']));
    for (const schema of ['CheckoutSession', 'CheckoutSessionWithTimeline', 'CreateSessionBody', 'SessionEvent', 'ErrorEnvelope', 'CheckoutSessionList']) {
      expect(doc.components.schemas, schema).toHaveProperty(schema);
    }
    expect(doc.components.securitySchemes).toHaveProperty('selectkey');
  });

  it('serves a readable page at /docs', async () => {
    const html = await (await fetch(`${suite.node.url}/docs`)).text();
    expect(html).toContain('<h1>Checkout Pulse API</h1>');
    expect(html).toContain('/v1/checkouts/sessions/{id}/recovery');
  });
});
