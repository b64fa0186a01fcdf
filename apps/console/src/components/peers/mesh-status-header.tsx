'use client';
/**
 * The mesh at a glance (`p2pStatus` of one namespace): peers by status, links by transport,
 * the average link latency and success rate, message rates over the last 10 s (heartbeats,
 * link reports, rejections by reason) and whether it is healthy, with the API's problems.
 * Raw numbers go to `data-value`; the counts by status to `data-online` etc. on the peers tile.
 * Device classes are shown as mobile peers (battery-powered) and the rest.
 */
import type { P2PStatusQuery, PeerStatus } from '@/gql/graphql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { Section } from '@/components/ui/section';
import { NumberTile, StatTile } from '@/components/ui/stat-tile';
import { StatusBadge } from '@/components/ui/status-badge';
import type { ApiErrorInfo } from '@/lib/errors';
import { formatMs, formatNumber, titleCase } from '@/lib/format';

export type MeshStatus = P2PStatusQuery['p2pStatus'];

const pct = (v: number | null | undefined) => (v == null ? '—' : `${(v * 100).toFixed(1)}%`);

export function MeshStatusHeader({ status, error, namespace }: { status: MeshStatus | undefined; error: ApiErrorInfo | null; namespace: string }) {
  const count = (s: PeerStatus) => status?.byStatus.find((b) => b.status === s)?.count ?? 0;
  // Battery-powered peers: their battery counts in route scores.
  const mobile = status?.byDeviceClass.find((d) => d.deviceClass === 'MOBILE')?.count ?? 0;
  const topRejection = status?.rejectedByReason.filter((r) => r.perSecond > 0).sort((a, b) => b.perSecond - a.perSecond)[0];
  return (
    <Section
      testId="mesh-status"
      title="Mesh status"
      sub={<>Namespace {namespace}: registered peers, their reported links, and message rates over the last 10 s across every API instance.</>}
      aside={
        status ? (
          <span data-testid="mesh-health" data-healthy={status.healthy}>
            <StatusBadge tone={status.healthy ? 'ok' : 'warn'}>
              {status.healthy ? 'Healthy' : `${status.problems.length} ${status.problems.length === 1 ? 'problem' : 'problems'}`}
            </StatusBadge>
          </span>
        ) : null
      }
    >
      {error ? <ApiErrorCallout error={error} testId="mesh-status-error" prefix="Could not read the mesh status" /> : null}
      {status && status.problems.length > 0 ? (
        <ul className="callout callout--warn mesh-problems" data-testid="mesh-problems">
          {status.problems.map((p) => (
            <li key={p} data-testid="mesh-problem">
              {p}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="grid grid--tiles">
        <div data-testid="mesh-peers-by-status" data-online={count('ONLINE')} data-new={count('NEW')} data-offline={count('OFFLINE')}>
          <StatTile
            testId="mesh-peers"
            label="Peers"
            value={status?.peers ?? null}
            display={status ? String(status.peers) : '—'}
            hint={status ? `${count('ONLINE')} online · ${count('NEW')} new · ${count('OFFLINE')} offline` : undefined}
          />
        </div>
        <StatTile
          testId="mesh-mobile-peers"
          label="Mobile peers"
          value={status ? mobile : null}
          display={status ? String(mobile) : '—'}
          hint={status ? status.byDeviceClass.filter((d) => d.deviceClass !== 'MOBILE').map((d) => `${d.count} ${d.deviceClass.toLowerCase()}`).join(' · ') : undefined}
        />
        <StatTile
          testId="mesh-links"
          label="Links"
          value={status?.links ?? null}
          display={status ? String(status.links) : '—'}
          hint={status ? status.byTransport.map((t) => `${t.transport} ${t.links}`).join(' · ') : undefined}
        />
        <StatTile
          testId="mesh-average-latency"
          label="Avg link latency"
          value={status?.averageLatencyMs ?? null}
          display={formatMs(status?.averageLatencyMs)}
        />
        <StatTile
          testId="mesh-average-success"
          label="Avg link success"
          value={status?.averageSuccessRate ?? null}
          display={pct(status?.averageSuccessRate)}
        />
        <NumberTile testId="mesh-heartbeats-per-second" label="Heartbeats / s" value={status?.heartbeatsPerSecond} digits={2} />
        <NumberTile testId="mesh-link-reports-per-second" label="Link reports / s" value={status?.linkReportsPerSecond} digits={2} />
        <NumberTile
          testId="mesh-rejected-per-second"
          label="Rejected / s"
          value={status?.rejectedPerSecond}
          digits={2}
          hint={topRejection ? `mostly ${titleCase(topRejection.reason.replace(/_/g, ' '))} (${formatNumber(topRejection.perSecond, 2)}/s)` : undefined}
        />
      </div>
    </Section>
  );
}
