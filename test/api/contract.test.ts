import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { newMerchant } from '../helpers/api.js';
import { responseProblems } from '../helpers/openapi-responses.js';
import { useTestNode } from '../helpers/suite.js';

const suite = useTestNode({ env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
// Inside the repository (ignored by git, lint and tsc), so the generated client resolves openapi-fetch.
const workDir = join(process.cwd(), '.data', `contract-${process.pid}`);
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function servedDocument(): Promise<string> {
  const res = await fetch(`${suite.node.url}/openapi.json`);
  expect(res.status).toBe(200);
  return res.text();
}

/** A small client written against the generated types, as an integrator would; the wrong calls must not compile. */
const CLIENT = `import createClient from 'openapi-fetch';
import type { paths } from './api.js';

export async function run(baseUrl: string, key: string) {
  // Arrays in queries as the document says: comma-separated (style form, explode false).
  const api = createClient<paths>({ baseUrl, headers: { selectkey: key }, querySerializer: { array: { style: 'form', explode: false } } });
  const created = await api.POST('/v1/checkouts/sessions', {
    params: { header: { 'Idempotency-Key': 'contract-1' } },
    body: { totalAmount: 1990, currency: 'BRL', domainHost: 'shop.example', product: { id: 'p1', name: 'Plan', quantity: 1 } },
  });
  if (!created.data) throw new Error('not created: ' + JSON.stringify(created.error));
  const id: string = created.data.id;
  const clientSecret: string = created.data.clientSecret;
  await api.POST('/v1/checkouts/sessions/{id}/events', { params: { path: { id } }, body: { type: 'payment_failed', code: 'card_declined', message: 'Declined' } });
  const list = await api.GET('/v1/checkouts/sessions', { params: { query: { limit: 10, online: false, status: ['failed', 'expired'], daterangegte: '2020-01-01' } } });
  const total: number | undefined = list.data?.total;
  const events = await api.GET('/v1/events', { params: { query: { limit: 5, type: ['created', 'payment_failed'], sessionId: id } } });
  const types = events.data?.data.map((e) => e.type) ?? [];
  const hook = await api.POST('/v1/webhook_endpoints', { body: { url: 'http://127.0.0.1:9/hooks', events: ['payment_failed'] } });
  const secret: string | undefined = hook.data?.secret;
  return { id, clientSecret: clientSecret.length > 0, total, types, secret: secret?.startsWith('whsec_') };
}

export async function wrongCalls(baseUrl: string) {
  const api = createClient<paths>({ baseUrl });
  // @ts-expect-error limit is an integer
  await api.GET('/v1/checkouts/sessions', { params: { query: { limit: '10' } } });
  // @ts-expect-error status is one of the lifecycle statuses
  await api.GET('/v1/checkouts/sessions', { params: { query: { status: ['paid'] } } });
  // @ts-expect-error online is a boolean
  await api.GET('/v1/checkouts/sessions', { params: { query: { online: 'yes' } } });
  // @ts-expect-error the event feed has no such type
  await api.GET('/v1/events', { params: { query: { type: ['paid'] } } });
  // @ts-expect-error a session needs its total
  await api.POST('/v1/checkouts/sessions', { body: { currency: 'BRL', domainHost: 'shop.example', product: { id: 'p', name: 'P', quantity: 1 } } });
}
`;

describe('the OpenAPI document, as third-party tools read it', () => {
  it('passes Redocly\'s recommended rules without errors', async () => {
    mkdirSync(workDir, { recursive: true });
    const file = join(workDir, 'openapi.json');
    writeFileSync(file, await servedDocument());
    const run = await promisify(execFile)(join(process.cwd(), 'node_modules/.bin/redocly'), ['lint', file, '--extends=recommended', '--format=json'], { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } })
      .catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '' }));
    const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { totals: { errors: number }; problems: Array<{ ruleId: string; severity: string; message: string }> };
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 60_000);

  it('generates TypeScript types that a real client compiles against, and that client works on the live API', async () => {
    mkdirSync(workDir, { recursive: true });
    writeFileSync(join(workDir, 'api.ts'), astToString(await openapiTS(JSON.parse(await servedDocument()) as Parameters<typeof openapiTS>[0])));
    writeFileSync(join(workDir, 'client.ts'), CLIENT);
    const program = ts.createProgram([join(workDir, 'client.ts')], {
      strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2023, lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'], skipLibCheck: true, types: [],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);

    const { key } = await newMerchant(suite.node.ctx, suite.node.url);
    const client = (await import(join(workDir, 'client.ts'))) as { run(baseUrl: string, key: string): Promise<unknown> };
    expect(await client.run(suite.node.url, key)).toEqual({
      id: expect.stringMatching(/^sess_/) as unknown, clientSecret: true, total: 1, types: ['created', 'payment_failed'], secret: true,
    });
  }, 60_000);

  it('holds live responses to the document: a body, a status or a header it does not describe is caught', () => {
    const headers = new Headers({ 'x-request-id': 'r1', 'content-type': 'application/json' });
    expect(responseProblems('GET', '/v1/events', 200, { data: [], hasMore: false }, headers)).toEqual([]);
    expect(responseProblems('GET', '/v1/events', 200, { data: [], hasMore: 'no' }, headers)).toEqual([expect.stringContaining('hasMore must be boolean')]);
    expect(responseProblems('GET', '/v1/events', 418, {}, headers)).toEqual([expect.stringContaining('does not list')]);
    expect(responseProblems('GET', '/v1/events', 200, { data: [], hasMore: false }, new Headers({ ...Object.fromEntries(headers), etag: 'x', link: '<x>' })))
      .toEqual([expect.stringContaining('sends link')]);
    expect(responseProblems('GET', '/v1/events', 200, { data: [], hasMore: false }, new Headers({ 'content-type': 'application/json' }))).toEqual(['no X-Request-Id']);
  });
});
