/** What real checkout traffic looks like, in proportions. */
export const PAYMENT_METHODS = { pix: 55, credit_card: 32, debit_card: 5, boleto: 5, wallet: 3 } as const;
/**
 * Each payment method fails its own way: a Pix code expires or goes unpaid (it has no card, so no
 * CVC and no card decline), a boleto expires, a wallet is cancelled; cards have the card codes.
 */
export const DECLINES_BY_METHOD = {
  pix: { pix_expired: 55, pix_not_paid: 35, pix_key_invalid: 10 },
  credit_card: { card_declined: 38, insufficient_funds: 22, expired_card: 8, incorrect_cvc: 9, processing_error: 7, do_not_honor: 10, authentication_failed: 6 },
  debit_card: { insufficient_funds: 45, card_declined: 25, incorrect_cvc: 10, authentication_failed: 20 },
  boleto: { boleto_expired: 80, boleto_rejected: 20 },
  wallet: { wallet_cancelled: 60, wallet_declined: 40 },
} as const;
export type DeclineCode = { [M in keyof typeof DECLINES_BY_METHOD]: keyof (typeof DECLINES_BY_METHOD)[M] }[keyof typeof DECLINES_BY_METHOD];
export const DECLINE_MESSAGES: Record<DeclineCode, string> = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'Insufficient funds.',
  expired_card: 'Your card has expired.',
  incorrect_cvc: 'The security code is incorrect.',
  processing_error: 'An error occurred while processing your card.',
  do_not_honor: 'The bank refused the payment.',
  authentication_failed: 'Card authentication (3-D Secure) failed.',
  pix_expired: 'The Pix QR code expired before it was paid.',
  pix_not_paid: 'The Pix charge was not paid.',
  pix_key_invalid: 'The Pix key was not accepted.',
  boleto_expired: 'The boleto expired unpaid.',
  boleto_rejected: 'The bank rejected the boleto.',
  wallet_cancelled: 'The shopper cancelled in the wallet.',
  wallet_declined: 'The wallet declined the payment.',
};
/** User agents of real browsers, weighted roughly as checkout traffic in Brazil: mostly phones. */
export const USER_AGENTS = {
  'Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.122 Mobile Safari/537.36': 30,
  'Mozilla/5.0 (Linux; Android 13; moto g54 5G) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Mobile Safari/537.36': 12,
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1': 18,
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1': 4,
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36': 20,
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0': 5,
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15': 7,
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0': 4,
} as const;
export const PRODUCTS = [
  { id: 'prod_pro', name: 'Pro license', cents: 19_900 },
  { id: 'prod_team', name: 'Team plan', cents: 49_900 },
  { id: 'prod_ebook', name: 'Ebook bundle', cents: 4_990 },
  { id: 'prod_course', name: 'Video course', cents: 29_700 },
  { id: 'prod_mentor', name: 'Mentoring (1h)', cents: 35_000 },
  { id: 'prod_starter', name: 'Starter kit', cents: 9_700 },
] as const;
export const FIRST_NAMES = ['Ana', 'Bruno', 'Carla', 'Diego', 'Elisa', 'Fábio', 'Gabriela', 'Hugo', 'Isabela', 'João', 'Karina', 'Lucas', 'Marina', 'Nicolas', 'Olívia', 'Pedro', 'Rafaela', 'Sofia', 'Thiago', 'Vitória'];
/** City, country and the currency its shoppers pay in (a shop selling abroad charges in euros and dollars too). */
export const CITIES = [
  ['São Paulo', 'BR', 'BRL'], ['Rio de Janeiro', 'BR', 'BRL'], ['Belo Horizonte', 'BR', 'BRL'], ['Curitiba', 'BR', 'BRL'], ['Recife', 'BR', 'BRL'],
  ['Porto Alegre', 'BR', 'BRL'], ['Salvador', 'BR', 'BRL'], ['São Paulo', 'BR', 'BRL'], ['Brasília', 'BR', 'BRL'], ['Fortaleza', 'BR', 'BRL'],
  ['Lisbon', 'PT', 'EUR'], ['Porto', 'PT', 'EUR'], ['Miami', 'US', 'USD'],
] as const;
/** Pages that are abandoned at each step, and other behaviours, as shares of all sessions. */
export const BEHAVIOUR = {
  leaveBeforeDetails: 0.12,
  leaveBeforeMethod: 0.08,
  leaveBeforePaying: 0.06,
  declineShare: 0.28,
  retryAfterDecline: 0.45,
  reload: 0.1,
  secondTab: 0.08,
  silentDeath: 0.3,
  returnLater: 0.25,
  shortLifetime: 0.08,
} as const;
