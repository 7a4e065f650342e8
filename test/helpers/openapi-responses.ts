import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../server/http/openapi-document.js';

interface Operation { responses: Record<string, { content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> }> }
interface Document { paths: Record<string, Record<string, Operation>> }

let compiled: { doc: Document; ajv: Ajv2020; routes: Array<{ pattern: RegExp; path: string }> } | undefined;
const validators = new Map<string, ValidateFunction>();

function load() {
  if (compiled) return compiled;
  const doc = JSON.parse(JSON.stringify(openApiDocument('http://localhost'))) as Document;
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; `example` and the like are annotations.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(doc, 'openapi.json');
  const routes = Object.keys(doc.paths).map((path) => ({ path, pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`) }));
  compiled = { doc, ajv, routes };
  return compiled;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/**
 * Checks a live response against the served document: its path and method must be documented, its
 * status listed, its JSON body valid against the schema given for that status, and every header the
 * document names for it that the server sent. Returns the problems found (none when it conforms).
 * Paths outside the document (the board's, assets) are not checked.
 */
export function responseProblems(method: string, url: string, status: number, body: unknown, headers: Headers): string[] {
  const { doc, ajv, routes } = load();
  const path = new URL(url, 'http://localhost').pathname;
  const route = routes.find((r) => r.pattern.test(path));
  if (!route) return [];
  const operation = doc.paths[route.path]?.[method.toLowerCase()];
  if (!operation) return status === 405 || status === 404 ? [] : [`${method} ${route.path} is not documented`];
  const response = operation.responses[String(status)];
  if (!response) return [`${method} ${route.path} answered ${status}, which the document does not list`];
  const problems: string[] = [];
  if (!headers.get('x-request-id')) problems.push('no X-Request-Id');
  const contentType = headers.get('content-type') ?? '';
  if (response.content && body !== undefined) {
    if (!contentType.startsWith('application/json') || !response.content['application/json']) {
      problems.push(`${method} ${route.path} ${status}: content type ${contentType} not documented`);
    } else {
      const ref = `openapi.json#/${pointer('paths', route.path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
      let validate = validators.get(ref);
      if (!validate) {
        validate = ajv.getSchema(ref);
        if (!validate) throw new Error(`no schema at ${ref}`);
        validators.set(ref, validate);
      }
      if (!validate(body)) problems.push(`${method} ${route.path} ${status}: ${ajv.errorsText(validate.errors)}`);
    }
  }
  for (const name of ['link', 'x-snapshot-at', 'idempotent-replayed', 'location', 'retry-after']) {
    if (headers.get(name) !== null && !Object.keys(response.headers ?? {}).some((h) => h.toLowerCase() === name)) {
      problems.push(`${method} ${route.path} ${status}: sends ${name}, not documented`);
    }
  }
  return problems;
}
