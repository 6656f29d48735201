import { useEffect, useState } from 'preact/hooks';

/** Hash routes (#/orders/ord_1): the engine serves one index.html, and a reload keeps the page. */
export type Route =
  | { page: 'orders' }
  | { page: 'order'; orderId: string }
  | { page: 'settings' }
  | { page: 'operator' }
  | { page: 'sign-in' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'orders' && parts[1]) return { page: 'order', orderId: parts[1] };
  if (parts[0] === 'settings') return { page: 'settings' };
  if (parts[0] === 'operator') return { page: 'operator' };
  if (parts[0] === 'sign-in') return { page: 'sign-in' };
  return { page: 'orders' };
}

export const orderHref = (orderId: string): string => `#/orders/${encodeURIComponent(orderId)}`;

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}
