import { useEffect, useState } from 'preact/hooks';
import { api, apiBlob, keys, type Problem } from './api';
import { label, rupees, when } from './format';
import { usePolling } from './polling';
import { ProblemView, problemOf } from './problem-view';
import { orderHref, parseRoute } from './router';
import type { Dashboard, OrderPage, OrderSummary } from './types';

const STATUSES = ['received', 'invoiced', 'packed', 'ready_for_pickup', 'shipped', 'out_for_delivery', 'delivered', 'cancelled', 'rto_initiated', 'returned'];

interface Filters {
  status: string;
  mode: string;
  from: string;
  to: string;
  q: string;
}

const NO_FILTERS: Filters = { status: '', mode: '', from: '', to: '', q: '' };

interface BulkItemResult {
  orderId: string;
  shipmentId: string | null;
  ok: boolean;
  shipmentStatus?: string;
  position?: string | null;
  status?: number;
  code?: string;
  detail?: string;
}

/** A date input (yyyy-mm-dd) as the start of that day in India, the sellers' time zone. */
const dayStart = (day: string): string | undefined => (day ? `${day}T00:00:00+05:30` : undefined);
const dayAfter = (day: string): string | undefined => {
  if (!day) return undefined;
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return `${next.toISOString().slice(0, 10)}T00:00:00+05:30`;
};

const queryOf = (filters: Filters, extra: Record<string, string | undefined> = {}) => ({
  status: filters.status,
  mode: filters.mode,
  receivedFrom: dayStart(filters.from),
  receivedTo: dayAfter(filters.to),
  q: filters.q.trim(),
  limit: 50,
  ...extra,
});

const firstPage = (filters: Filters, extra: Record<string, string | undefined> = {}) => ({
  orders: api<OrderPage>('/v1/orders', { query: queryOf(filters, extra) }),
  dashboard: api<Dashboard>('/v1/seller/dashboard', { query: extra }),
});

/**
 * A cold load of the order list asks for its first page and the counts as the bundle is evaluated,
 * not from the page's first effect, which Preact runs only after rendering, a frame and a timer
 * (100–300 ms of a first load on a busy machine, ADR 0029). Taken once, by the first load.
 */
let early = keys.get('seller') !== null && parseRoute(location.hash).page === 'orders' ? firstPage(NO_FILTERS) : undefined;
// Marked handled here: a refusal that arrives before the page takes it is shown by the page, not reported as unhandled.
if (early) for (const request of Object.values(early)) request.catch(() => undefined);

function Counts({ dashboard, onPick }: { dashboard: Dashboard | null; onPick: (status: string) => void }) {
  if (!dashboard) return <p aria-busy="true">Loading counts…</p>;
  const tiles: Array<{ name: string; value: number; status?: string; hint: string }> = [
    { name: 'Awaiting invoice', value: dashboard.awaitingInvoice, status: 'received', hint: 'received, not invoiced yet' },
    { name: 'Awaiting ready to ship', value: dashboard.awaitingReadyToShip, status: 'packed', hint: 'packed, not marked ready' },
    // The dashboard's own count: a failed pickup or delivery the seller has not answered (no status filter lists exactly those).
    { name: 'Needs attention', value: dashboard.needsAttention, hint: 'a failed pickup or delivery awaiting your answer' },
    { name: 'Overdue', value: dashboard.overdue, hint: `open for more than ${dashboard.overdueHours} h` },
  ];
  return (
    <ul class="tiles" aria-label="Order counts">
      {tiles.map((tile) => (
        <li key={tile.name} class="tile">
          {tile.status ? (
            <button type="button" class="tile-button" onClick={() => onPick(tile.status!)} title={`Show ${tile.hint}`}>
              <span class="tile-value" data-count={tile.name}>
                {tile.value}
              </span>
              <span class="tile-name">{tile.name}</span>
            </button>
          ) : (
            <div class="tile-button">
              <span class="tile-value" data-count={tile.name}>
                {tile.value}
              </span>
              <span class="tile-name">{tile.name}</span>
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

export function OrdersPage() {
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [orders, setOrders] = useState<OrderSummary[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | undefined>();
  const [dashboard, setDashboard] = useState<Dashboard | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [problem, setProblem] = useState<Problem | null>(null);
  const [bulk, setBulk] = useState<{ results: BulkItemResult[]; succeeded: number; failed: number } | null>(null);
  const [labelsUrl, setLabelsUrl] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const loadFirstPage = async (minPosition?: string) => {
    const requests = !minPosition && filters === NO_FILTERS && early ? early : firstPage(filters, minPosition ? { minPosition } : {});
    early = undefined;
    // Each part shows as soon as it arrives: the list does not wait for the counts.
    await Promise.all([
      requests.orders.then((page) => {
        setOrders(page.items);
        setNextCursor(page.nextCursor);
      }),
      requests.dashboard.then(setDashboard),
    ]);
  };

  useEffect(() => {
    setOrders(null);
    setProblem(null);
    loadFirstPage().catch((error: unknown) => setProblem(problemOf(error)));
  }, [filters]);

  // Live: the first page and the counts follow the read models while nobody paged further.
  usePolling(() => ((orders?.length ?? 0) <= 50 ? loadFirstPage() : api<Dashboard>('/v1/seller/dashboard').then(setDashboard)), 3000, [filters, orders?.length]);

  const loadMore = async () => {
    if (!nextCursor) return;
    try {
      const page = await api<OrderPage>('/v1/orders', { query: queryOf(filters, { cursor: nextCursor }) });
      setOrders([...(orders ?? []), ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (error) {
      setProblem(problemOf(error));
    }
  };

  const toggle = (orderId: string) => {
    const next = new Set(selected);
    if (next.has(orderId)) next.delete(orderId);
    else next.add(orderId);
    setSelected(next);
  };
  const allSelected = orders !== null && orders.length > 0 && orders.every((o) => selected.has(o.orderId));
  const toggleAll = () => setSelected(allSelected ? new Set() : new Set((orders ?? []).map((o) => o.orderId)));

  const readyToShip = async () => {
    setBusy(true);
    setProblem(null);
    setBulk(null);
    try {
      const answer = await api<{ results: BulkItemResult[]; succeeded: number; failed: number }>('/v1/shipments/ready-to-ship', {
        method: 'POST',
        body: { items: [...selected].map((orderId) => ({ orderId })) },
      });
      // Shown once the read models hold every write: the list then agrees with the results.
      const positions = answer.results.map((r) => r.position).filter((p): p is string => typeof p === 'string');
      const highest = positions.reduce<string | undefined>((max, p) => (max === undefined || BigInt(p) > BigInt(max) ? p : max), undefined);
      await loadFirstPage(highest);
      setBulk(answer);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  const labels = async () => {
    setProblem(null);
    const shipmentIds = (orders ?? []).filter((o) => selected.has(o.orderId) && o.currentShipmentId).map((o) => o.currentShipmentId!);
    if (shipmentIds.length === 0) {
      setProblem({ title: 'No labels to print', status: 0, detail: 'None of the selected orders has a shipment yet.' });
      return;
    }
    try {
      const blob = await apiBlob('/v1/labels.pdf', { shipmentIds: shipmentIds.join(',') });
      if (labelsUrl) URL.revokeObjectURL(labelsUrl);
      setLabelsUrl(URL.createObjectURL(blob));
    } catch (error) {
      setProblem(problemOf(error));
    }
  };

  const apply = (event: Event) => {
    event.preventDefault();
    setSelected(new Set());
    setFilters({ ...draft });
  };
  const pick = (status: string) => {
    const next = { ...NO_FILTERS, status };
    setDraft(next);
    setFilters(next);
  };

  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Orders</h1>
      <Counts dashboard={dashboard} onPick={pick} />
      <form class="filters" role="search" onSubmit={apply}>
        <div>
          <label for="f-q">Search</label>
          <input id="f-q" type="search" placeholder="Buyer, phone, order id, AWB, invoice no." value={draft.q} onInput={(e) => setDraft({ ...draft, q: e.currentTarget.value })} />
        </div>
        <div>
          <label for="f-status">Status</label>
          <select id="f-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="f-mode">Mode</label>
          <select id="f-mode" value={draft.mode} onChange={(e) => setDraft({ ...draft, mode: e.currentTarget.value })}>
            <option value="">Any</option>
            <option value="on-network">On-network (ONDC)</option>
            <option value="off-network">Off-network (own courier)</option>
          </select>
        </div>
        <div>
          <label for="f-from">Received from</label>
          <input id="f-from" type="date" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
        </div>
        <div>
          <label for="f-to">Received to</label>
          <input id="f-to" type="date" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        </div>
        <div class="filter-buttons">
          <button type="submit">Apply</button>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setDraft(NO_FILTERS);
              setFilters(NO_FILTERS);
            }}
          >
            Clear
          </button>
        </div>
      </form>

      <div class="bulk-bar" role="group" aria-label="Selected orders">
        <span>{selected.size} selected</span>
        <button type="button" disabled={selected.size === 0 || busy} onClick={readyToShip}>
          Mark ready to ship
        </button>
        <button type="button" class="secondary" disabled={selected.size === 0} onClick={labels}>
          Labels PDF
        </button>
      </div>
      <ProblemView problem={problem} />
      {bulk && (
        <section class="card" aria-labelledby="bulk-title">
          <h2 id="bulk-title">
            Ready to ship: {bulk.succeeded} done, {bulk.failed} failed
          </h2>
          <table class="results">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {bulk.results.map((r) => (
                <tr key={r.orderId} data-result={r.ok ? 'ok' : 'failed'}>
                  <td>
                    <a href={orderHref(r.orderId)}>{r.orderId}</a>
                  </td>
                  <td>{r.ok ? `✓ ${label(r.shipmentStatus)}` : `✗ ${r.code ?? ''}: ${r.detail ?? ''}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {labelsUrl && (
        <section class="card" aria-labelledby="labels-title">
          <h2 id="labels-title">Labels</h2>
          <p>
            <a href={labelsUrl} download="labels.pdf">
              Download labels.pdf
            </a>
          </p>
          <iframe class="pdf" title="Labels PDF" src={labelsUrl} />
        </section>
      )}

      {orders === null ? (
        <p aria-busy="true">Loading orders…</p>
      ) : orders.length === 0 ? (
        <p>No orders match.</p>
      ) : (
        <div class="table-wrap">
          <table class="orders">
            <caption class="visually-hidden">Orders, newest first</caption>
            <thead>
              <tr>
                <th scope="col">
                  <input type="checkbox" aria-label="Select all orders shown" checked={allSelected} onChange={toggleAll} />
                </th>
                <th scope="col">Order</th>
                <th scope="col">Buyer</th>
                <th scope="col">Status</th>
                <th scope="col">Mode</th>
                <th scope="col" class="num">
                  Total
                </th>
                <th scope="col">Received</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <tr key={o.orderId} data-order-id={o.orderId}>
                  <td>
                    <input type="checkbox" aria-label={`Select order ${o.orderId}`} checked={selected.has(o.orderId)} onChange={() => toggle(o.orderId)} />
                  </td>
                  <td>
                    <a href={orderHref(o.orderId)}>{o.orderId}</a>
                    {o.invoiceNumber && <div class="sub">{o.invoiceNumber}</div>}
                  </td>
                  <td>
                    {o.buyerName}
                    <div class="sub">{o.deliveryCity}</div>
                  </td>
                  <td>
                    <span class={`badge s-${o.status}`}>{label(o.status)}</span>
                  </td>
                  <td>{label(o.shippingMode)}</td>
                  <td class="num">{rupees(o.invoiceTotalPaise ?? o.orderTotalPaise)}</td>
                  <td>{when(o.receivedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {nextCursor && (
        <button type="button" class="secondary" onClick={loadMore}>
          Load more
        </button>
      )}
    </section>
  );
}
