import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutSession, SessionWithTimeline } from '../../shared/session.js';
import { ManualClock } from '../../server/clock.js';
import { tenantPrefix } from '../../server/store/keys.js';
import { createSession, newMerchant } from '../helpers/api.js';
import { METRICS_HEADERS, startNode, type TestNode } from '../helpers/node.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';

const ABANDON_AFTER_MS = 60_000;

/** Quoted-printable soft breaks and escapes undone, enough to read links and words. */
function decode(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

let redis: TestRedis;
let smtp: TestSmtp;
let node: TestNode;
const clock = new ManualClock(Date.parse('2026-06-08T12:00:00.000Z'));
beforeAll(async () => {
  redis = await startTestRedis();
  smtp = await startTestSmtp();
  node = await startNode(redis.url, { clock, background: false, env: { SMTP_URL: smtp.url, ABANDON_AFTER_MS: String(ABANDON_AFTER_MS) } });
});
afterAll(async () => {
  await node?.close();
  await smtp?.stop();
  await redis?.stop();
});

describe('recovery mail', () => {
  it('sends a Portuguese recovery with a link that renews the abandoned session; paying after it counts as recovered', async () => {
    const { api, merchantId } = await newMerchant(node.ctx, node.url);
    const session = await createSession(api, { language: 'pt-BR' });
    const prefix = tenantPrefix({ merchantId, mode: 'test' });
    await node.ctx.presence.connect(prefix, session.id, 'tab');
    await node.ctx.presence.disconnect(prefix, session.id, 'tab', false);
    clock.advance(ABANDON_AFTER_MS);
    await node.app.sweeper.tick();
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${session.id}`)).body.status).toBe('abandoned');

    const sent = await api.post<CheckoutSession>(`/v1/checkouts/sessions/${session.id}/recovery`);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ recoverySent: true, status: 'abandoned' });
    const mail = await smtp.next();
    expect(mail.to).toEqual(['ana@example.com']);
    const text = decode(mail.raw);
    expect(text).toMatch(/Subject: =\?UTF-8\?|Subject: Seu/);
    expect(text).toContain('Concluir minha compra');
    const link = /(http:\/\/127\.0\.0\.1:\d+\/recover\/[A-Za-z0-9_.-]+)/.exec(text)?.[1];
    expect(link).toBeDefined();

    // Opening the link (as a mail scanner would) changes nothing; its button confirms.
    const shown = await fetch(link!);
    expect(shown.status).toBe(200);
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${session.id}`)).body.status).toBe('abandoned');
    const opened = await fetch(link!, { method: 'POST' });
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('Seu checkout está aberto novamente');
    const renewed = (await api.get<SessionWithTimeline>(`/v1/checkouts/sessions/${session.id}`)).body;
    expect(renewed).toMatchObject({ status: 'active', renewalCount: 1, firstInitialization: false, recoverySent: true });

    const paid = await api.post<CheckoutSession>(`/v1/checkouts/sessions/${session.id}/events`, { type: 'payment_succeeded', transactionId: 'tra_r1' });
    expect(paid.body).toMatchObject({ status: 'completed', recovered: true });
    const timeline = (await api.get<SessionWithTimeline>(`/v1/checkouts/sessions/${session.id}`)).body.timeline;
    expect(timeline.map((t) => t.type)).toEqual(['created', 'page_opened', 'went_offline', 'abandoned', 'recovery_sent', 'renewed', 'payment_succeeded']);
    expect(timeline.at(-1)?.data).toMatchObject({ recovered: true });
    const metrics = await (await fetch(`${node.url}/metrics`, { headers: METRICS_HEADERS })).text();
    expect(metrics).toMatch(/checkout_pulse_recovered_sessions_total\{mode="test"\} 1/);
  });

  it('writes English for English sessions, and resends receipts of completed sessions', async () => {
    const { api } = await newMerchant(node.ctx, node.url);
    const session = await createSession(api, { language: 'en-US', customer: { email: 'bob@example.com', name: 'Bob' } });
    await api.post(`/v1/checkouts/sessions/${session.id}/recovery`);
    expect(decode((await smtp.next()).raw)).toContain('Complete my purchase');
    await api.post(`/v1/checkouts/sessions/${session.id}/events`, { type: 'payment_succeeded', transactionId: 'tra_77', portalUrl: 'https://portal.example.com/c/77' });
    const receipt = await api.post<CheckoutSession>(`/v1/checkouts/sessions/${session.id}/receipt`);
    expect(receipt.status).toBe(200);
    const mail = decode((await smtp.next()).raw);
    expect(mail).toContain('tra_77');
    expect(mail).toContain('https://portal.example.com/c/77');
  });

  it('a tampered or foreign link renews nothing', async () => {
    const { api } = await newMerchant(node.ctx, node.url);
    const session = await createSession(api);
    await api.delete(`/v1/checkouts/sessions/${session.id}`);
    await api.post(`/v1/checkouts/sessions/${session.id}/recovery`);
    const link = /(http:\/\/127\.0\.0\.1:\d+\/recover\/[A-Za-z0-9_.-]+)/.exec(decode((await smtp.next()).raw))![1]!;
    const tampered = `${link.slice(0, -3)}${link.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    expect((await fetch(tampered, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${node.url}/recover/nonsense`, { method: 'POST' })).status).toBe(404);
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${session.id}`)).body.status).toBe('expired');
  });

  it('refuses recovery without an email and after completion', async () => {
    const { api } = await newMerchant(node.ctx, node.url);
    const noEmail = await createSession(api, { customer: {} });
    expect((await api.post(`/v1/checkouts/sessions/${noEmail.id}/recovery`)).status).toBe(422);
  });
});

describe('one decision per recovery mail, taken before it is sent', () => {
  const recover = (api: Awaited<ReturnType<typeof newMerchant>>['api'], id: string) => api.post<CheckoutSession>(`/v1/checkouts/sessions/${id}/recovery`);

  it('two racing requests send one mail: one is answered as sent, the other told to wait', async () => {
    const { api } = await newMerchant(node.ctx, node.url);
    const session = await createSession(api);
    const before = smtp.received.length;
    const answers = await Promise.all([recover(api, session.id), recover(api, session.id)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 429]);
    expect(answers.find((a) => a.status === 200)?.body).toMatchObject({ recoverySent: true });
    expect(smtp.received.length - before).toBe(1);
    await smtp.next();
    const timeline = (await api.get<SessionWithTimeline>(`/v1/checkouts/sessions/${session.id}`)).body.timeline;
    expect(timeline.filter((t) => t.type === 'recovery_sent')).toHaveLength(1);
  });

  it('a payment landing while the mail is on its way: the mail went, and is answered and recorded as sent', async () => {
    const { api } = await newMerchant(node.ctx, node.url);
    const session = await createSession(api);
    const slow = smtp.hold();
    const sending = recover(api, session.id);
    await slow.arrived;
    const paid = await api.post<CheckoutSession>(`/v1/checkouts/sessions/${session.id}/events`, { type: 'payment_succeeded', transactionId: 'tra_race' });
    expect(paid.body.status).toBe('completed');
    slow.release();
    const sent = await sending;
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: 'completed', recoverySent: true });
    await smtp.next();
    // Now the session is complete: no further recovery goes out.
    const after = await recover(api, session.id);
    expect(after.status).toBe(422);
  });

  it('a mail the server refused is given back: asking again sends it at once', async () => {
    const { api } = await newMerchant(node.ctx, node.url);
    const session = await createSession(api);
    smtp.refuseNext();
    expect((await recover(api, session.id)).status).toBe(503);
    expect((await api.get<CheckoutSession>(`/v1/checkouts/sessions/${session.id}`)).body.recoverySent).toBe(false);
    const again = await recover(api, session.id);
    expect(again.status).toBe(200);
    expect((await smtp.next()).to).toEqual(['ana@example.com']);
  });
});

describe('the outbox, when no SMTP server is set', () => {
  let plain: TestNode;
  beforeAll(async () => {
    plain = await startNode(redis.url);
  });
  afterAll(() => plain?.close());

  it('keeps mail per merchant and shows it at /v1/outbox', async () => {
    const mine = await newMerchant(plain.ctx, plain.url);
    const theirs = await newMerchant(plain.ctx, plain.url);
    const session = await createSession(mine.api);
    await mine.api.post(`/v1/checkouts/sessions/${session.id}/recovery`);
    const outbox = await mine.api.get<{ data: Array<{ to: string; subject: string; text: string }> }>('/v1/outbox');
    expect(outbox.body.data).toHaveLength(1);
    expect(outbox.body.data[0]).toMatchObject({ to: 'ana@example.com' });
    expect(outbox.body.data[0]!.text).toContain('/recover/');
    expect((await theirs.api.get<{ data: unknown[] }>('/v1/outbox')).body.data).toEqual([]);
  });
});
