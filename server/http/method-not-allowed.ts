import type { RequestHandler } from 'express';
import { ApiError } from './api-error.js';
import { openApiDocument } from './openapi-document.js';

interface Route { pattern: RegExp; methods: string[] }

/** The API's paths and their methods, read off the OpenAPI document (the one list of them). */
function apiRoutes(): Route[] {
  const paths = openApiDocument('/').paths ?? {};
  return Object.entries(paths).map(([path, item]) => {
    const methods = ['get', 'post', 'put', 'patch', 'delete'].filter((m) => item && m in item).map((m) => m.toUpperCase());
    if (methods.includes('GET')) methods.push('HEAD');
    return { pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}/?$`), methods };
  });
}

/**
 * A known path asked with a method it does not take is a 405 naming the methods in `Allow`, not a
 * 404 that reads as "no such resource". Mounted after every router, before the 404.
 */
export function methodNotAllowed(): RequestHandler {
  const routes = apiRoutes();
  return (req, res, next) => {
    const route = routes.find((r) => r.pattern.test(req.path));
    if (!route || route.methods.includes(req.method) || req.method === 'OPTIONS') return next();
    res.setHeader('Allow', route.methods.join(', '));
    throw new ApiError('methodNotAllowed');
  };
}
