import type { IncomingHttpHeaders } from 'node:http';
import { UAParser } from 'ua-parser-js';
import type { VisitorDetails } from '../../store/session-input.js';

/** Edge headers that carry the visitor's location, set by the CDN or load balancer in front. */
const COUNTRY_HEADERS = ['cf-ipcountry', 'x-vercel-ip-country', 'cloudfront-viewer-country', 'x-appengine-country', 'x-country-code'];
const CITY_HEADERS = ['x-vercel-ip-city', 'cloudfront-viewer-city', 'x-appengine-city', 'x-city'];

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
}

/** The client address: the socket's peer, or as many hops into X-Forwarded-For as proxies are trusted. */
export function clientAddress(headers: IncomingHttpHeaders, peer: string | undefined, trustedHops: number): string | undefined {
  let address = peer;
  if (trustedHops > 0) {
    const chain = (header(headers, 'x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    address = chain[Math.max(0, chain.length - trustedHops)] ?? address;
  }
  return address?.replace(/^::ffff:/, '').slice(0, 64);
}

function location(headers: IncomingHttpHeaders): { country?: string; city?: string } {
  const place: { country?: string; city?: string } = {};
  const country = COUNTRY_HEADERS.map((h) => header(headers, h)).find((v) => v && /^[A-Za-z]{2}$/.test(v) && v.toUpperCase() !== 'XX');
  if (country) place.country = country.toUpperCase();
  const rawCity = CITY_HEADERS.map((h) => header(headers, h)).find(Boolean);
  if (rawCity) {
    let city = rawCity;
    try {
      city = decodeURIComponent(rawCity);
    } catch {
      // not percent-encoded
    }
    city = city.replace(/\p{Cc}/gu, '').slice(0, 100);
    if (city) place.city = city;
  }
  return place;
}

/**
 * Device, address and location of a checkout page, from its handshake; written only where the
 * session has none. Location comes from the edge's geo headers, read only behind trusted proxies.
 */
export function visitorDetails(headers: IncomingHttpHeaders, peer: string | undefined, trustedHops: number): VisitorDetails {
  const details: VisitorDetails = {};
  const userAgent = header(headers, 'user-agent');
  if (userAgent) {
    const parsed = new UAParser(userAgent.slice(0, 512)).getResult();
    const kind = parsed.device.type;
    details.device = { type: kind === 'mobile' || kind === 'tablet' ? kind : 'desktop' };
    if (parsed.os.name) details.device.os = parsed.os.name.slice(0, 64);
    if (parsed.browser.name) details.device.browser = parsed.browser.name.slice(0, 64);
  }
  const ip = clientAddress(headers, peer, trustedHops);
  const customer = { ...(ip ? { ip } : {}), ...(trustedHops > 0 ? location(headers) : {}) };
  if (Object.keys(customer).length > 0) details.customer = customer;
  return details;
}
