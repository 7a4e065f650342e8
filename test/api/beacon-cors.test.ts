import { describe, expect, it } from 'vitest';
import { createSession, newMerchant } from '../helpers/api.js';
import { useTestNode } from '../helpers/suite.js';

const suite = useTestNode();

describe('CORS of the presence beacon', () => {
  it('lets only the session\'s own checkout host read the answer', async () => {
    const { api } = await newMerchant(suite.node.ctx, suite.node.url);
    const session = await createSession(api, { domainHost: 'checkout.shop.example' });
    const beacon = (origin: string) => fetch(`${suite.node.url}/v1/presence`, {
      method: 'POST', headers: { origin, 'content-type': 'text/plain' },
      body: JSON.stringify({ sessionId: session.id, clientSecret: session.clientSecret, state: 'hb' }),
    });
    const own = await beacon('https://checkout.shop.example');
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBe('https://checkout.shop.example');
    const foreign = await beacon('https://evil.example');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('vary')).toContain('Origin');
    const preflight = await fetch(`${suite.node.url}/v1/presence`, { method: 'OPTIONS', headers: { origin: 'https://checkout.shop.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
  });

  it('serves /beacon.js to pages on any host', async () => {
    const res = await fetch(`${suite.node.url}/beacon.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('content-type')).toContain('javascript');
  });
});
