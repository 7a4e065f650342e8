import { Router } from 'express';
import type { AppContext } from '../app-context.js';
import { openApiDocument } from './openapi-document.js';
import { publicUrl } from './public-url.js';

type Doc = ReturnType<typeof openApiDocument>;

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A self-contained, readable page of the document: every operation, its parameters, body and answers. */
function renderDocs(doc: Doc): string {
  const sections: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item ?? {}) as Array<[string, { summary?: string; description?: string; parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: unknown }>; requestBody?: { content?: Record<string, { schema?: unknown }> }; responses?: Record<string, { description?: string }> }]>) {
      if (typeof op !== 'object' || !op || !('responses' in op)) continue;
      const params = (op.parameters ?? []).map((p) => `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : ''}</td><td>${escapeHtml(p.description ?? '')}</td></tr>`).join('');
      const body = op.requestBody?.content ? Object.values(op.requestBody.content)[0]?.schema : undefined;
      const responses = Object.entries(op.responses ?? {}).map(([code, r]) => `<li><b>${code}</b> ${escapeHtml(r.description ?? '')}</li>`).join('');
      sections.push(`<section><h2><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h2>`
        + `<p><b>${escapeHtml(op.summary ?? '')}</b> ${escapeHtml(op.description ?? '')}</p>`
        + (params ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th></th></tr>${params}</table>` : '')
        + (body ? `<details><summary>Request body</summary><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre></details>` : '')
        + `<ul>${responses}</ul></section>`);
    }
  }
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Checkout Pulse API</title><style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
code,pre{font:14px ui-monospace,monospace}pre{background:#f4f5f7;padding:1rem;overflow:auto;border-radius:6px}
section{border-top:1px solid #ddd;padding:1rem 0}table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
.m{display:inline-block;min-width:4.5rem;text-align:center;border-radius:4px;color:#fff;font-size:.8em;padding:.1rem .4rem}
.get{background:#2563eb}.post{background:#16a34a}.delete{background:#dc2626}
@media (prefers-color-scheme:dark){body{background:#0f1115;color:#e6e6e6}pre{background:#1a1d23}td,th,section{border-color:#2a2e36}}
</style><h1>${escapeHtml(doc.info.title)}</h1><p>${escapeHtml(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escapeHtml(doc.openapi)})</p>${sections.join('')}</html>`;
}

/** `/openapi.json` generated from the shared schemas, and `/docs`, a readable page of it. */
export function apiDocsRouter(ctx: AppContext): Router {
  const router = Router();
  // Built from configuration only: nothing a request says (its Host) ends up in what others are served.
  let cached: { doc: Doc; html: string } | undefined;
  const build = () => {
    cached ??= (() => {
      const doc = openApiDocument(publicUrl(ctx));
      return { doc, html: renderDocs(doc) };
    })();
    return cached;
  };
  router.get('/openapi.json', (_req, res) => {
    res.json(build().doc);
  });
  router.get('/docs', (_req, res) => {
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.type('html').send(build().html);
  });
  return router;
}
