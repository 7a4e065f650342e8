import type { CheckoutSession } from '../../shared/session.js';
import type { MailMessage } from './mailer.js';

type Locale = 'en' | 'pt-BR';

/** Brazilian Portuguese for `pt*` sessions, English otherwise. */
export function localeOf(language: string): Locale {
  return language.toLowerCase().startsWith('pt') ? 'pt-BR' : 'en';
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function money(session: CheckoutSession, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: session.currency }).format(session.totalAmount / 100);
}

const COPY = {
  en: {
    recoverySubject: (product: string) => `Your ${product} is still waiting for you`,
    recoveryGreeting: (name: string | null) => (name ? `Hi ${name},` : 'Hi,'),
    recoveryBody: (product: string, amount: string) => `You were about to buy ${product} (${amount}) and did not finish. Your checkout is saved: pick up where you left off.`,
    recoveryAction: 'Complete my purchase',
    receiptSubject: (product: string) => `Your receipt for ${product}`,
    receiptBody: (product: string, amount: string, tx: string) => `Thank you for your purchase of ${product} (${amount}). Transaction ${tx}.`,
    portal: 'Your customer portal',
  },
  'pt-BR': {
    recoverySubject: (product: string) => `Seu ${product} ainda está esperando por você`,
    recoveryGreeting: (name: string | null) => (name ? `Olá, ${name},` : 'Olá,'),
    recoveryBody: (product: string, amount: string) => `Você estava comprando ${product} (${amount}) e não concluiu. Seu checkout está salvo: continue de onde parou.`,
    recoveryAction: 'Concluir minha compra',
    receiptSubject: (product: string) => `Seu recibo de ${product}`,
    receiptBody: (product: string, amount: string, tx: string) => `Obrigado pela compra de ${product} (${amount}). Transação ${tx}.`,
    portal: 'Seu portal do cliente',
  },
} as const;

/** The abandoned-cart message: a link that renews the session and brings the customer back. */
export function recoveryMail(session: CheckoutSession, link: string): MailMessage {
  const locale = localeOf(session.language);
  const copy = COPY[locale];
  const product = session.product.name;
  const amount = money(session, locale);
  const greeting = copy.recoveryGreeting(session.customer.name);
  return {
    to: session.customer.email ?? '',
    subject: copy.recoverySubject(product),
    text: `${greeting}\n\n${copy.recoveryBody(product, amount)}\n\n${copy.recoveryAction}: ${link}\n`,
    html: `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(copy.recoveryBody(product, amount))}</p>`
      + `<p><a href="${escapeHtml(link)}">${escapeHtml(copy.recoveryAction)}</a></p>`,
  };
}

/** The receipt of a completed session, sent again on the merchant's request. */
export function receiptMail(session: CheckoutSession): MailMessage {
  const locale = localeOf(session.language);
  const copy = COPY[locale];
  const body = copy.receiptBody(session.product.name, money(session, locale), session.transactionId ?? '');
  const portal = session.portalUrl ? `\n\n${copy.portal}: ${session.portalUrl}` : '';
  return {
    to: session.customer.email ?? '',
    subject: copy.receiptSubject(session.product.name),
    text: `${body}${portal}\n`,
    html: `<p>${escapeHtml(body)}</p>${session.portalUrl ? `<p><a href="${escapeHtml(session.portalUrl)}">${escapeHtml(copy.portal)}</a></p>` : ''}`,
  };
}
