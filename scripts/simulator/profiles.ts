/** What real checkout traffic looks like, in proportions. */
export const PAYMENT_METHODS = { pix: 55, credit_card: 32, debit_card: 5, boleto: 5, wallet: 3 } as const;
export const DECLINES = {
  card_declined: 42, insufficient_funds: 24, expired_card: 9, incorrect_cvc: 9, processing_error: 8, do_not_honor: 8,
} as const;
export const DECLINE_MESSAGES: Record<keyof typeof DECLINES, string> = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'Insufficient funds.',
  expired_card: 'Your card has expired.',
  incorrect_cvc: 'The security code is incorrect.',
  processing_error: 'An error occurred while processing your card.',
  do_not_honor: 'The bank refused the payment.',
};
export const PRODUCTS = [
  { id: 'prod_pro', name: 'Pro license', cents: 19_900 },
  { id: 'prod_team', name: 'Team plan', cents: 49_900 },
  { id: 'prod_ebook', name: 'Ebook bundle', cents: 4_990 },
  { id: 'prod_course', name: 'Video course', cents: 29_700 },
  { id: 'prod_mentor', name: 'Mentoring (1h)', cents: 35_000 },
  { id: 'prod_starter', name: 'Starter kit', cents: 9_700 },
] as const;
export const FIRST_NAMES = ['Ana', 'Bruno', 'Carla', 'Diego', 'Elisa', 'Fábio', 'Gabriela', 'Hugo', 'Isabela', 'João', 'Karina', 'Lucas', 'Marina', 'Nicolas', 'Olívia', 'Pedro', 'Rafaela', 'Sofia', 'Thiago', 'Vitória'];
export const CITIES = [['São Paulo', 'BR'], ['Rio de Janeiro', 'BR'], ['Belo Horizonte', 'BR'], ['Curitiba', 'BR'], ['Recife', 'BR'], ['Lisbon', 'PT'], ['Porto Alegre', 'BR'], ['Salvador', 'BR']] as const;
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
