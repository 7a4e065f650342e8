import { Router } from 'express';
import type { AppContext } from '../app-context.js';
import { RECOVERY_LINK_TTL_MS, verifyRecoveryToken } from '../mail/recovery-links.js';
import { localeOf } from '../mail/templates.js';

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const COPY = {
  en: {
    open: 'Your checkout is open again', gone: 'This link has expired', paid: 'This purchase is already complete', go: 'Continue to checkout',
    confirm: 'Pick up where you left off', reopen: 'Reopen my checkout',
  },
  'pt-BR': {
    open: 'Seu checkout está aberto novamente', gone: 'Este link expirou', paid: 'Esta compra já foi concluída', go: 'Continuar para o checkout',
    confirm: 'Continue de onde parou', reopen: 'Reabrir meu checkout',
  },
} as const;

function page(title: string, lang: string, link?: string, form?: string): string {
  const copy = COPY[localeOf(lang)];
  return `<!doctype html><html lang="${escapeHtml(lang)}"><meta charset="utf-8"><meta name="viewport" content="width=device-width">`
    + `<title>${escapeHtml(title)}</title><body style="font:18px system-ui;max-width:32rem;margin:4rem auto;padding:0 1rem">`
    + `<h1>${escapeHtml(title)}</h1>${link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(copy.go)}</a></p>` : ''}`
    + `${form ? `<form method="post" action="${escapeHtml(form)}"><button type="submit" style="font:inherit;padding:.6rem 1.2rem">${escapeHtml(copy.reopen)}</button></form>` : ''}</body></html>`;
}

/**
 * `GET /recover/:token`, the link of a recovery mail, only shows a page: mail scanners and link
 * previews fetch links, so opening one changes nothing. The page's button POSTs to the same
 * address, which reopens an abandoned session (or one its timer expired) once per link, through
 * one script; a session the merchant expired stays closed.
 */
export function recoveryLinkRouter(ctx: AppContext): Router {
  const router = Router();

  async function target(token: string) {
    const found = verifyRecoveryToken(ctx.clientSecrets, token, ctx.clock.now());
    const session = found ? await ctx.sessions.get(found.tenant, found.sessionId) : undefined;
    return found && session ? { ...found, session } : undefined;
  }

  router.get('/recover/:token', async (req, res) => {
    const found = await target(req.params.token);
    res.setHeader('Cache-Control', 'no-store');
    if (!found) {
      res.status(404).type('html').send(page(COPY.en.gone, 'en'));
      return;
    }
    const { session } = found;
    const copy = COPY[localeOf(session.language)];
    if (session.status === 'completed') {
      res.type('html').send(page(copy.paid, session.language));
      return;
    }
    if (session.status === 'active' || session.status === 'failed') {
      res.type('html').send(page(copy.open, session.language, `https://${session.domainHost}/`));
      return;
    }
    res.type('html').send(page(copy.confirm, session.language, undefined, `/recover/${req.params.token}`));
  });

  router.post('/recover/:token', async (req, res) => {
    const found = await target(req.params.token);
    res.setHeader('Cache-Control', 'no-store');
    if (!found) {
      res.status(404).type('html').send(page(COPY.en.gone, 'en'));
      return;
    }
    const { session, tenant, sessionId } = found;
    const copy = COPY[localeOf(session.language)];
    // The script decides from the session as it is now, not as it was read above.
    const outcome = await ctx.recovery.recover(tenant, sessionId, req.params.token, ctx.config.sessionTtlMs, RECOVERY_LINK_TTL_MS);
    if (outcome === 'paid') {
      res.type('html').send(page(copy.paid, session.language));
      return;
    }
    if (outcome === 'used' || outcome === 'closed') {
      // Used before, expired by the merchant, or gone in the meantime: the link does nothing more.
      res.status(410).type('html').send(page(copy.gone, session.language));
      return;
    }
    res.type('html').send(page(copy.open, session.language, `https://${session.domainHost}/`));
  });
  return router;
}
