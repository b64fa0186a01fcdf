'use client';
/**
 * The route finder: two registered peers and a message size → `route`, the API's best path of
 * at most 7 hops over ONLINE peers under the guide's score (0.3·latency + 0.3·throughput +
 * 0.3·reliability + 0.1·battery). Shows the best route hop by hop (peers, transport, latency),
 * its score and the parts of it, the expected delivery time, and the alternatives; the best
 * path is drawn on the graph (`onRoute`). When there is no route the API answers NO_ROUTE with
 * `extensions.reason` (disconnected, peer-offline, beyond-max-hops, …): shown with its code.
 */
import { useId, useState, type FormEvent } from 'react';
import { useClient } from 'urql';
import type { PeerRouteQuery, RouteFieldsFragment } from '@/gql/graphql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { Section } from '@/components/ui/section';
import { StatTile } from '@/components/ui/stat-tile';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { formatMs, formatNumber } from '@/lib/format';
import type { MeshPeer } from './mesh-graph-model';
import { TransportChip } from './peer-badges';
import { routeQuery } from './peers.operations';

type RouteAnswer = PeerRouteQuery['route'];

interface RouteError extends ApiErrorInfo {
  reason: string | null;
  /** Other machine-readable details of the answer (e.g. minHops). */
  details: [string, string][];
}

/** GraphQL's Int; the API applies its own (lower) limit and says so. */
const MAX_INT = 2_147_483_647;
const BREAKDOWN: { key: keyof RouteFieldsFragment['breakdown']; label: string; weight: number }[] = [
  { key: 'latency', label: 'Latency', weight: 0.3 },
  { key: 'throughput', label: 'Throughput', weight: 0.3 },
  { key: 'reliability', label: 'Reliability', weight: 0.3 },
  { key: 'battery', label: 'Battery', weight: 0.1 },
];

export function RouteFinder({ peers, onRoute }: { peers: readonly MeshPeer[]; onRoute: (peers: readonly string[] | null) => void }) {
  const id = useId();
  const client = useClient();
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [size, setSize] = useState('1024');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<RouteAnswer | null>(null);
  const [error, setError] = useState<RouteError | null>(null);
  const names = new Map(peers.map((p) => [p.id, p.displayName]));

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    const messageSize = Number(size);
    const fail = (message: string) => setError({ code: 'INVALID_INPUT', message, reason: null, details: [] });
    if (!from || !to) return fail('Choose the peer the message starts from and the one it goes to.');
    if (!Number.isInteger(messageSize) || messageSize < 1 || messageSize > MAX_INT) {
      return fail('The message size must be a whole number of bytes, 1 or more.');
    }
    setBusy(true);
    const result = await client.query(routeQuery, { from, to, messageSize, alternatives: 3 }, { requestPolicy: 'network-only' }).toPromise();
    setBusy(false);
    if (result.error || !result.data) {
      const ext = result.error?.graphQLErrors[0]?.extensions ?? {};
      const details = Object.entries(ext)
        .filter(([k, v]) => !['code', 'reason', 'stacktrace'].includes(k) && v != null && typeof v !== 'object')
        .map(([k, v]): [string, string] => [k, String(v)]);
      setAnswer(null);
      onRoute(null);
      setError({
        ...(result.error ? apiError(result.error) : { message: 'No answer from the API', code: 'NETWORK' }),
        reason: typeof ext.reason === 'string' ? ext.reason : null,
        details,
      });
      return;
    }
    setAnswer(result.data.route);
    onRoute(result.data.route.best.peers);
  };

  const clear = () => {
    setAnswer(null);
    setError(null);
    onRoute(null);
  };

  const options = [...peers].sort((a, b) => Number(b.status === 'ONLINE') - Number(a.status === 'ONLINE') || a.displayName.localeCompare(b.displayName));
  const peerSelect = (which: 'from' | 'to', value: string, onChange: (v: string) => void) => (
    <label className="field" htmlFor={`${id}-${which}`}>
      <span className="field__label">{which === 'from' ? 'From' : 'To'}</span>
      <select id={`${id}-${which}`} className="input" value={value} onChange={(e) => onChange(e.target.value)} data-testid={`route-${which}`}>
        <option value="">Choose a peer…</option>
        {options.map((p) => (
          <option key={p.id} value={p.id}>
            {p.displayName}
            {p.status === 'ONLINE' ? '' : ` (${p.status.toLowerCase()})`}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <Section
      testId="route-finder"
      title="Route finder"
      sub="The best path of at most 7 hops between two ONLINE peers, scored as the guide's SmartRouter does, with the transport chosen per hop."
    >
      <form className="card form-card" onSubmit={onSubmit} noValidate data-testid="route-form">
        <div className="form-grid form-grid--4">
          {peerSelect('from', from, setFrom)}
          {peerSelect('to', to, setTo)}
          <label className="field" htmlFor={`${id}-size`}>
            <span className="field__label">
              Message size <span className="field__optional">bytes</span>
            </span>
            <input id={`${id}-size`} className="input mono" inputMode="numeric" value={size} onChange={(e) => setSize(e.target.value)} data-testid="route-size" />
          </label>
          <div className="form-card__actions route-form__actions">
            <button type="submit" className="button button--primary" disabled={busy} data-testid="route-find">
              {busy ? 'Finding…' : 'Find route'}
            </button>
            {answer || error ? (
              <button type="button" className="button button--secondary" onClick={clear} data-testid="route-clear">
                Clear
              </button>
            ) : null}
          </div>
        </div>
        {error ? (
          <ApiErrorCallout error={error} testId="route-error" prefix={error.code === 'NO_ROUTE' ? 'No route' : undefined}>
            {error.reason || error.details.length ? (
              <div className="small" data-testid="route-error-reason" data-value={error.reason ?? ''}>
                {error.reason ? (
                  <>
                    reason <code className="code">{error.reason}</code>
                  </>
                ) : null}
                {error.details.map(([k, v]) => (
                  <span key={k}>
                    {' · '}
                    {k} <code className="code">{v}</code>
                  </span>
                ))}
              </div>
            ) : null}
          </ApiErrorCallout>
        ) : null}
      </form>
      {answer ? <RouteResult answer={answer} names={names} /> : null}
    </Section>
  );
}

function RouteResult({ answer, names }: { answer: RouteAnswer; names: ReadonlyMap<string, string> }) {
  const best = answer.best;
  const name = (peerId: string) => names.get(peerId) ?? peerId.slice(0, 8);
  return (
    <div className="card route-result" data-testid="route-result" data-peers={best.peers.join(',')} data-hops={best.hops.length}>
      <div className="route-result__head">
        <h3 className="table-card__title">Best route</h3>
        <span className="muted small">
          found in {formatMs(answer.computeMs)} on the mesh as of {new Date(answer.graphBuiltAt).toLocaleTimeString('en-GB', { hour12: false })}
        </span>
      </div>
      <ol className="route-hops" data-testid="route-hops">
        <li className="route-hops__peer" data-testid="route-peer" data-id={best.peers[0]}>
          {name(best.peers[0])}
        </li>
        {best.hops.map((h, i) => (
          <li key={i} className="route-hops__hop-group">
            <span className="route-hops__hop" data-testid="route-hop" data-from={h.from} data-to={h.to} data-transport={h.transport} data-latency={h.latencyMs}>
              <TransportChip transport={h.transport} /> <span className="mono small">{formatMs(h.latencyMs)}</span>
              <span className="muted small">
                {' '}
                · {formatNumber(h.throughputMbps)} Mbit/s · {(h.successRate * 100).toFixed(1)}%
              </span>
            </span>
            <span className="route-hops__peer" data-testid="route-peer" data-id={h.to}>
              {name(h.to)}
            </span>
          </li>
        ))}
      </ol>
      <div className="grid grid--tiles route-result__tiles">
        <StatTile testId="route-score" label="Score" value={best.score} display={best.score.toFixed(3)} />
        <StatTile testId="route-expected-latency" label="Expected delivery" value={best.expectedLatencyMs} display={formatMs(best.expectedLatencyMs)} />
        <StatTile testId="route-path-latency" label="Path latency" value={best.pathLatencyMs} display={formatMs(best.pathLatencyMs)} />
        <StatTile testId="route-bottleneck" label="Bottleneck" value={best.bottleneckMbps} display={`${formatNumber(best.bottleneckMbps)} Mbit/s`} />
        <StatTile testId="route-success" label="Delivery odds" value={best.successRate} display={`${(best.successRate * 100).toFixed(1)}%`} />
      </div>
      <ul className="bars" data-testid="route-breakdown" aria-label="Score breakdown">
        {BREAKDOWN.map((b) => (
          <li key={b.key} className="bars__row" data-testid="route-breakdown-part" data-part={b.key} data-value={best.breakdown[b.key]}>
            <span className="bars__label">
              {b.label} <span className="muted">×{b.weight}</span>
            </span>
            <span className="bars__track" aria-hidden>
              <span className="bars__fill" style={{ width: `${Math.min(100, best.breakdown[b.key] * 100)}%` }} />
            </span>
            <span className="bars__value mono">{best.breakdown[b.key].toFixed(3)}</span>
          </li>
        ))}
      </ul>
      <h4 className="route-result__sub">Alternatives</h4>
      {answer.alternatives.length === 0 ? (
        <p className="muted small" data-testid="route-alternatives-empty">
          None: no other sequence of peers connects them within 7 hops.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="route-alternatives">
            <thead>
              <tr>
                <th>Path</th>
                <th className="num">Score</th>
                <th className="num">Expected delivery</th>
                <th className="num">Hops</th>
              </tr>
            </thead>
            <tbody>
              {answer.alternatives.map((r) => (
                <tr key={r.peers.join('>')} data-testid="route-alternative" data-peers={r.peers.join(',')}>
                  <td className="small">
                    {r.peers.map((p, i) => (
                      <span key={`${p}-${i}`}>
                        {i > 0 ? <span className="muted"> → {r.hops[i - 1].transport} → </span> : null}
                        {name(p)}
                      </span>
                    ))}
                  </td>
                  <td className="num mono">{r.score.toFixed(3)}</td>
                  <td className="num mono">{formatMs(r.expectedLatencyMs)}</td>
                  <td className="num mono">{r.hops.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
