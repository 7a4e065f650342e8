import type { RequestHandler } from 'express';
import { listSessionsQuery, pageOf, type ListQuery } from '../../../shared/list-query.js';
import type { AppContext } from '../../app-context.js';
import { listSessions as readPage } from '../../store/list/sessions-list.js';
import { parseOr400 } from '../api-error.js';
import { authOf, tenantFor } from '../auth.js';

/**
 * `GET /v1/checkouts/sessions`: the list with every filter of the source API.
 *
 * Paging guarantee: `X-Snapshot-At` is the createdAt of the newest session when the page was read,
 * and the `Link: rel="next"` URL pins it as `daterangelte`. Pages fetched with that bound never skip
 * or repeat a row while new sessions arrive at the head of a descending list, since new sessions
 * carry a later createdAt (node clocks in step; ties within that same millisecond excepted).
 */
export function listSessions(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const query = parseOr400(listSessionsQuery, req.query);
    const tenant = tenantFor(authOf(res), query.domainAmbient);
    const page = await readPage(ctx.storeContext, tenant, query);
    const body = pageOf(query, page.total, page.sessions);
    // Which index path answered: lets operators and benchmarks see the planner's choice.
    res.setHeader('X-List-Plan', page.strategy);
    if (page.newestCreatedAt !== null) {
      const snapshot = new Date(page.newestCreatedAt).toISOString();
      res.setHeader('X-Snapshot-At', snapshot);
      if (body.hasMore) res.setHeader('Link', `<${nextUrl(req.originalUrl, query, page.newestCreatedAt)}>; rel="next"`);
    }
    res.json(body);
  };
}

function nextUrl(originalUrl: string, query: ListQuery, newest: number): string {
  const [path = '', search = ''] = originalUrl.split('?', 2);
  const params = new URLSearchParams(search);
  params.set('offset', String(query.offset + query.limit));
  const max = query.ranges.createdAt?.max;
  if (max === undefined || max > newest) params.set('daterangelte', new Date(newest).toISOString());
  return `${path}?${params.toString()}`;
}
