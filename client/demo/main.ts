import { startBeacon, type PaymentMethod } from '../beacon/beacon';

/** The demo checkout: a session from the demo backend, the beacon, and a pay button. */
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  let sessionId = params.get('session');
  let clientSecret = params.get('secret');
  if (!sessionId || !clientSecret) {
    const res = await fetch('/demo/api/session', { method: 'POST' });
    const created = (await res.json()) as { sessionId: string; clientSecret: string };
    ({ sessionId, clientSecret } = created);
    history.replaceState(null, '', `?session=${sessionId}&secret=${encodeURIComponent(clientSecret)}`);
  }
  const beacon = startBeacon({
    sessionId, clientSecret, heartbeatMs: Number(params.get('hb')) || undefined,
    onStatus: (state) => {
      if (state.status === 'completed') done('Paid. Thank you!', true);
      if (state.status === 'expired') done('This checkout has expired.', false);
    },
  });
  (window as unknown as { checkoutBeacon: typeof beacon }).checkoutBeacon = beacon;

  const email = $<HTMLInputElement>('email');
  email.addEventListener('change', () => void (email.validity.valid && beacon.detailsProvided(email.value)));
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="method"]')) {
    radio.addEventListener('change', () => {
      $('card-field').hidden = radio.value !== 'credit_card';
      void beacon.paymentMethodSelected(radio.value as PaymentMethod);
    });
  }
  $<HTMLFormElement>('form').addEventListener('submit', (event) => {
    event.preventDefault();
    void pay(sessionId, clientSecret);
  });

  function done(message: string, ok: boolean) {
    const result = $('result');
    result.textContent = message;
    result.className = ok ? 'ok' : 'bad';
    $<HTMLButtonElement>('pay').disabled = ok;
  }

  async function pay(id: string, secret: string) {
    const method = document.querySelector<HTMLInputElement>('input[name="method"]:checked')?.value ?? 'pix';
    $<HTMLButtonElement>('pay').disabled = true;
    const res = await fetch('/demo/api/pay', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId: id, clientSecret: secret, method, cardNumber: $<HTMLInputElement>('card').value || undefined }),
    });
    const session = (await res.json()) as { status?: string; failure?: { message: string } };
    $<HTMLButtonElement>('pay').disabled = false;
    if (session.status === 'completed') done('Paid. Thank you!', true);
    else done(session.failure?.message ?? 'Payment failed.', false);
  }
}

void main();
