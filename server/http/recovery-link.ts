import { Router } from 'express';
import type { AppContext } from '../app-context.js';
import { verifyRecoveryToken } from '../mail/recovery-links.js';
import { localeOf } from '../mail/templates.js';
import { ScriptRefusal } from '../store/scripts.js';

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const COPY = {
  en: { open: 'Your checkout is open again', gone: 'This link has expired', paid: 'This purchase is already complete', go: 'Continue to checkout' },
  'pt-BR': { open: 'Seu checkout está aberto novamente', gone: 'Este link expirou', paid: 'Esta compra já foi concluída', go: 'Continuar para o checkout' },
} as const;

function page(title: string, lang: string, link?: string): string {
  return `<!doctype html><html lang="${escapeHtml(lang)}"><meta charset="utf-8"><meta name="viewport" content="width=device-width">`
    + `<title>${escapeHtml(title)}</title><body style="font:18px system-ui;max-width:32rem;margin:4rem auto;padding:0 1rem">`
    + `<h1>${escapeHtml(title)}</h1>${link ? `<p><a href="${escapeHtml(link)}">${escapeHtml(COPY[localeOf(lang)].go)}</a></p>` : ''}</body></html>`;
}

/**
 * `GET /recover/:token`: the link of a recovery mail. It renews an abandoned or expired session
 * (through the same transition as the API) and sends the customer back to the checkout's host.
 */
export function recoveryLinkRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/recover/:token', async (req, res) => {
    const target = verifyRecoveryToken(ctx.clientSecrets, req.params.token, ctx.clock.now());
    const session = target ? await ctx.sessions.get(target.tenant, target.sessionId) : undefined;
    res.setHeader('Cache-Control', 'no-store');
    if (!target || !session) {
      res.status(404).type('html').send(page(COPY.en.gone, 'en'));
      return;
    }
    const copy = COPY[localeOf(session.language)];
    if (session.status === 'completed') {
      res.type('html').send(page(copy.paid, session.language));
      return;
    }
    if (session.status === 'abandoned' || session.status === 'expired') {
      try {
        await ctx.lifecycle.renew(target.tenant, target.sessionId, ctx.config.sessionTtlMs);
      } catch (error) {
        // Paid or renewed by someone else in the meantime: the page below is still right.
        if (!(error instanceof ScriptRefusal)) throw error;
      }
    }
    res.type('html').send(page(copy.open, session.language, `https://${session.domainHost}/`));
  });
  return router;
}
