import { useEffect, useState } from 'preact/hooks';
import { api, keys } from './api';
import { OperatorPage } from './operator-page';
import { OrderPage } from './order-page';
import { OrdersPage } from './orders-page';
import { ProblemView, problemOf } from './problem-view';
import type { Problem } from './api';
import { useRoute } from './router';
import { SettingsPage } from './settings-page';

function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [sellerKey, setSellerKey] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    keys.set('seller', sellerKey);
    try {
      await api('/v1/seller');
      onSignedIn();
    } catch (error) {
      keys.clear('seller');
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p>Paste your seller API key. It stays in this browser tab only and is forgotten when the tab closes.</p>
      <form onSubmit={submit}>
        <label for="seller-key">Seller API key</label>
        <input id="seller-key" name="sellerKey" type="password" autocomplete="off" required value={sellerKey} onInput={(e) => setSellerKey(e.currentTarget.value)} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <ProblemView problem={problem} />
      <p>
        Operating the platform? <a href="#/operator">Open the operator view</a> with the platform key.
      </p>
    </section>
  );
}

export function App() {
  const route = useRoute();
  const [signedIn, setSignedIn] = useState(() => keys.get('seller') !== null);
  useEffect(() => {
    const titles = { orders: 'Orders', order: 'Order', settings: 'Settings', operator: 'Operator', 'sign-in': 'Sign in' } as const;
    document.title = `${titles[route.page]} · Seller console`;
  }, [route]);
  const signOut = () => {
    keys.clear('seller');
    keys.clear('platform');
    setSignedIn(false);
    location.hash = '#/sign-in';
  };
  const needsSeller = route.page !== 'operator';
  const current = (page: string) => (route.page === page || (page === 'orders' && route.page === 'order') ? 'page' : undefined);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Fulfilment console</span>
        <nav aria-label="Main">
          <a href="#/orders" aria-current={current('orders')}>
            Orders
          </a>
          <a href="#/settings" aria-current={current('settings')}>
            Settings
          </a>
          <a href="#/operator" aria-current={current('operator')}>
            Operator
          </a>
          {signedIn && (
            <button type="button" class="link" onClick={signOut}>
              Sign out
            </button>
          )}
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {needsSeller && !signedIn ? (
          <SignIn
            onSignedIn={() => {
              setSignedIn(true);
              if (route.page === 'sign-in') location.hash = '#/orders';
            }}
          />
        ) : route.page === 'order' ? (
          <OrderPage orderId={route.orderId} />
        ) : route.page === 'settings' ? (
          <SettingsPage />
        ) : route.page === 'operator' ? (
          <OperatorPage />
        ) : (
          <OrdersPage />
        )}
      </main>
    </>
  );
}
