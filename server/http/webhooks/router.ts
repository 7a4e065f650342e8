import express, { Router, type Response } from 'express';
import { sessionLookupQuery } from '../../../shared/session.js';
import {
  createWebhookEndpointBody, MAX_WEBHOOK_ENDPOINTS, webhookEndpointPath,
  type WebhookDeliveryList, type WebhookEndpointList,
} from '../../../shared/webhooks.js';
import type { AppContext } from '../../app-context.js';
import type { Tenant } from '../../store/keys.js';
import { checkTarget, type HostLookup } from '../../webhooks/address-policy.js';
import { ApiError, parseOr400 } from '../api-error.js';
import { authOf, tenantFor } from '../auth.js';
import { idempotent } from '../idempotency.js';

const JSON_LIMIT = '16kb';
const ATTEMPTS_LISTED = 100;

/** `/v1/webhook_endpoints`: create (the secret shown once), list, read, delete, and recent deliveries. */
export function webhookEndpointsRouter(ctx: AppContext, lookup: HostLookup): Router {
  const router = Router();
  router.use(express.json({ limit: JSON_LIMIT, strict: true }));
  const once = idempotent(ctx);

  function tenantOf(query: unknown, res: Response): Tenant {
    const { domainAmbient } = parseOr400(sessionLookupQuery, query);
    return tenantFor(authOf(res), domainAmbient);
  }

  router.post('/', once, async (req, res) => {
    const tenant = tenantOf(req.query, res);
    const body = parseOr400(createWebhookEndpointBody, req.body ?? {});
    const url = new URL(body.url);
    if (tenant.mode === 'live' && url.protocol !== 'https:') throw ApiError.invalid([{ url: 'must be an https URL for live mode' }]);
    if (url.username || url.password) throw ApiError.invalid([{ url: 'must not carry a user name or password' }]);
    const check = await checkTarget(url, { allowPrivate: ctx.config.env.WEBHOOK_ALLOW_PRIVATE, lookup });
    if (!check.ok) throw ApiError.invalid([{ url: check.reason }]);
    if (await ctx.webhookEndpoints.count(tenant) >= MAX_WEBHOOK_ENDPOINTS) {
      throw new ApiError('unprocessableEntity', { message: `A merchant has at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints per mode` });
    }
    const endpoint = await ctx.webhookEndpoints.create(tenant, {
      url: url.href,
      ...(body.events ? { events: body.events } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
    });
    res.setHeader('Location', `/v1/webhook_endpoints/${endpoint.id}`);
    res.status(201).json(endpoint);
  });

  router.get('/', async (req, res) => {
    const tenant = tenantOf(req.query, res);
    res.json({ data: await ctx.webhookEndpoints.list(tenant) } satisfies WebhookEndpointList);
  });

  router.get('/:id', async (req, res) => {
    const tenant = tenantOf(req.query, res);
    const { id } = parseOr400(webhookEndpointPath, req.params);
    const endpoint = await ctx.webhookEndpoints.get(tenant, id);
    if (!endpoint) throw new ApiError('notFound');
    res.json(endpoint);
  });

  router.delete('/:id', once, async (req, res) => {
    const tenant = tenantOf(req.query, res);
    const { id } = parseOr400(webhookEndpointPath, req.params);
    const endpoint = await ctx.webhookEndpoints.delete(tenant, id);
    if (!endpoint) throw new ApiError('notFound');
    res.json({ ...endpoint, deleted: true });
  });

  router.get('/:id/deliveries', async (req, res) => {
    const tenant = tenantOf(req.query, res);
    const { id } = parseOr400(webhookEndpointPath, req.params);
    if (!await ctx.webhookEndpoints.get(tenant, id)) throw new ApiError('notFound');
    res.json({ data: await ctx.webhookEndpoints.attempts(tenant, id, ATTEMPTS_LISTED) } satisfies WebhookDeliveryList);
  });

  return router;
}
