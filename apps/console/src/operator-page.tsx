import { useEffect, useState } from 'preact/hooks';
import { api, keys, type Problem } from './api';
import { label, when } from './format';
import { usePolling } from './polling';
import { ProblemView, problemOf } from './problem-view';

interface ProjectionHealth {
  state: string;
  position: string;
  lagEvents: number | null;
  lagSeconds: number;
  error?: string;
}

interface Readiness {
  status: string;
  details: { eventStore?: { status: string; headPosition?: string }; projections?: Record<string, ProjectionHealth | string> };
}

interface Seller {
  sellerId: string;
  legalName: string | null;
  gstin: string | null;
  registeredAt: string;
}

interface Partner {
  partnerId: string;
  partnerName: string | null;
  assigned: number;
  delivered: number;
  cancelledByPartner: number;
  rtoInitiated: number;
  candidateFailures: number;
  lastFailure: { step: string | null; why: string | null; at: string } | null;
  lastSeenAt: string;
}

/** How far a catching-up (rebuilding) projection is, by store position against the head. */
const progress = (projection: ProjectionHealth, head: string | undefined): string => {
  if (projection.state !== 'catching_up' || !head || head === '0') return projection.state === 'live' ? '100 %' : '—';
  const done = Number((BigInt(projection.position) * 1000n) / BigInt(head)) / 10;
  return `${Math.min(done, 100)} %`;
};

function PlatformSignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const submit = async (event: Event) => {
    event.preventDefault();
    keys.set('platform', key);
    try {
      await api('/v1/admin/sellers', { key: 'platform' });
      onSignedIn();
    } catch (error) {
      keys.clear('platform');
      setProblem(problemOf(error));
    }
  };
  return (
    <form class="card narrow" onSubmit={submit}>
      <p>The operator view needs the platform key (PLATFORM_API_KEY). It is kept in this tab only.</p>
      <label for="platform-key">Platform key</label>
      <input id="platform-key" type="password" autocomplete="off" required value={key} onInput={(e) => setKey(e.currentTarget.value)} />
      <button type="submit">Open operator view</button>
      <ProblemView problem={problem} />
    </form>
  );
}

export function OperatorPage() {
  const [signedIn, setSignedIn] = useState(() => keys.get('platform') !== null);
  const [readiness, setReadiness] = useState<Readiness | null>(null);
  const [sellers, setSellers] = useState<Seller[] | null>(null);
  const [partners, setPartners] = useState<Partner[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  const load = async () => {
    const [ready, sellerList, partnerList] = await Promise.all([
      api<Readiness>('/health/ready', { key: 'none' }),
      api<{ sellers: Seller[] }>('/v1/admin/sellers', { key: 'platform' }),
      api<{ partners: Partner[] }>('/v1/admin/ondc-partners', { key: 'platform' }),
    ]);
    setReadiness(ready);
    setSellers(sellerList.sellers);
    setPartners(partnerList.partners);
  };
  useEffect(() => {
    if (signedIn) load().catch((error: unknown) => setProblem(problemOf(error)));
  }, [signedIn]);
  usePolling(() => (signedIn ? api<Readiness>('/health/ready', { key: 'none' }).then(setReadiness) : Promise.resolve()), 3000, [signedIn]);

  const projections = Object.entries(readiness?.details.projections ?? {}).filter((entry): entry is [string, ProjectionHealth] => typeof entry[1] === 'object');
  const head = readiness?.details.eventStore?.headPosition;
  return (
    <section aria-labelledby="operator-title">
      <h1 id="operator-title">Operator</h1>
      {!signedIn ? (
        <PlatformSignIn onSignedIn={() => setSignedIn(true)} />
      ) : (
        <>
          <ProblemView problem={problem} />
          <section class="card" aria-labelledby="projections-title">
            <h2 id="projections-title">Projections</h2>
            <p>
              Engine {readiness ? label(readiness.status) : '…'} · store head position {head ?? '…'}
            </p>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Projection</th>
                    <th scope="col">State</th>
                    <th scope="col" class="num">
                      Position
                    </th>
                    <th scope="col" class="num">
                      Lag (events)
                    </th>
                    <th scope="col" class="num">
                      Lag (s)
                    </th>
                    <th scope="col" class="num">
                      Rebuild / catch-up
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {projections.map(([name, p]) => (
                    <tr key={name} data-projection={name}>
                      <td>{name}</td>
                      <td>
                        {label(p.state)}
                        {p.error && <div class="sub">{p.error}</div>}
                      </td>
                      <td class="num">{p.position}</td>
                      <td class="num">{p.lagEvents ?? 'many'}</td>
                      <td class="num">{p.lagSeconds}</td>
                      <td class="num">{progress(p, head)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section class="card" aria-labelledby="sellers-title">
            <h2 id="sellers-title">Sellers ({sellers?.length ?? '…'})</h2>
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Seller</th>
                    <th scope="col">Legal name</th>
                    <th scope="col">GSTIN</th>
                    <th scope="col">Registered</th>
                  </tr>
                </thead>
                <tbody>
                  {(sellers ?? []).map((s) => (
                    <tr key={s.sellerId}>
                      <td>
                        <code>{s.sellerId}</code>
                      </td>
                      <td>{s.legalName ?? '—'}</td>
                      <td>{s.gstin ?? '—'}</td>
                      <td>{when(s.registeredAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section class="card" aria-labelledby="partners-title">
            <h2 id="partners-title">ONDC partners</h2>
            {partners && partners.length === 0 ? (
              <p>No partner seen yet: no shipment has gone on-network.</p>
            ) : (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Partner</th>
                      <th scope="col" class="num">
                        Assigned
                      </th>
                      <th scope="col" class="num">
                        Delivered
                      </th>
                      <th scope="col" class="num">
                        Cancelled
                      </th>
                      <th scope="col" class="num">
                        RTO
                      </th>
                      <th scope="col" class="num">
                        Failed steps
                      </th>
                      <th scope="col">Last failure</th>
                      <th scope="col">Last seen</th>
                    </tr>
                  </thead>
                  <tbody>
                    {(partners ?? []).map((p) => (
                      <tr key={p.partnerId} data-partner={p.partnerId}>
                        <td>
                          {p.partnerName ?? p.partnerId}
                          <div class="sub">{p.partnerId}</div>
                        </td>
                        <td class="num">{p.assigned}</td>
                        <td class="num">{p.delivered}</td>
                        <td class="num">{p.cancelledByPartner}</td>
                        <td class="num">{p.rtoInitiated}</td>
                        <td class="num">{p.candidateFailures}</td>
                        <td>{p.lastFailure ? `${label(p.lastFailure.step)}: ${label(p.lastFailure.why)}` : '—'}</td>
                        <td>{when(p.lastSeenAt)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </section>
  );
}
