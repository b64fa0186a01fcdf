'use client';
/**
 * The namespace's fog nodes, re-read by the overview every POLL_MS: status from heartbeats,
 * cordon and drain, capacity against what its scheduled and running jobs hold (the API's
 * `allocated`) and the agent's measured CPU and memory use, runtimes, region, pool, last
 * heartbeat. Cordon and uncordon act at once; drain (no new jobs, waiting assignments handed
 * back, running jobs finish, then the node shows drained) asks first.
 */
import { useState } from 'react';
import { useMutation } from 'urql';
import type { FogNodesQuery } from '@/gql/graphql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { ConfirmBar } from '@/components/ui/confirm-bar';
import { Section } from '@/components/ui/section';
import { UsageMeter } from '@/components/ui/usage-meter';
import { useNow } from '@/components/ui/use-now';
import { apiError, type ApiErrorInfo } from '@/lib/errors';
import { formatAgo, formatDateTime } from '@/lib/format';
import { FogNodeStatusBadge } from './fog-badges';
import { formatPercent, POLL_MS } from './fog-model';
import { cordonFogNodeMutation, drainFogNodeMutation } from './fog.operations';

export type FogNodeRow = FogNodesQuery['fogNodes'][number];

export function FogNodesPanel({
  nodes,
  error,
  onChanged,
  onShowJobs,
}: {
  nodes: FogNodeRow[] | null;
  error: string | null;
  onChanged: () => void;
  onShowJobs: (nodeId: string) => void;
}) {
  const now = useNow(1000);
  const [, cordon] = useMutation(cordonFogNodeMutation);
  const [draining, drain] = useMutation(drainFogNodeMutation);
  const [confirming, setConfirming] = useState<FogNodeRow | null>(null);
  const [actionError, setActionError] = useState<ApiErrorInfo | null>(null);
  const online = nodes?.filter((n) => n.status === 'ONLINE').length ?? 0;

  const act = async (run: () => Promise<{ error?: Parameters<typeof apiError>[0] }>) => {
    setActionError(null);
    const outcome = await run();
    if (outcome.error) setActionError(apiError(outcome.error));
    onChanged();
  };

  return (
    <Section
      testId="fog-nodes"
      title="Nodes"
      sub={`Machines running the fog agent; re-read every ${POLL_MS / 1000} s. Reserved is what the scheduled and running jobs on a node hold; measured is the agent's last heartbeat.`}
      aside={
        <span className="muted" data-testid="fog-nodes-count" data-value={nodes?.length ?? ''} data-online={online}>
          {nodes ? `${nodes.length} ${nodes.length === 1 ? 'node' : 'nodes'} · ${online} online` : 'Loading…'}
        </span>
      }
    >
      {error ? (
        <div className="callout callout--error" role="alert" data-testid="fog-nodes-error">
          Could not load the nodes: {error}
        </div>
      ) : null}
      {actionError ? <ApiErrorCallout error={actionError} testId="fog-node-action-error" prefix="Could not change the node" /> : null}
      {confirming ? (
        <ConfirmBar
          label="Drain node"
          title={`Drain ${confirming.name}?`}
          action="Drain"
          busyAction="Draining…"
          busy={draining.fetching}
          onCancel={() => setConfirming(null)}
          onConfirm={() =>
            void act(() => drain({ id: confirming.id })).then(() => setConfirming(null))
          }
          testIdPrefix="fog-node-drain"
        >
          It gets no new jobs and shows DRAINING: its agent hands back the jobs still waiting for it and lets the running ones
          finish, then the node shows drained (safe to stop). Uncordon to take it back.
        </ConfirmBar>
      ) : null}
      <div className="card table-card">
        {nodes && nodes.length === 0 ? (
          <div className="empty" data-testid="fog-nodes-empty">
            No fog nodes in this namespace yet. Start one with{' '}
            <code className="code">npm run fog-agent -- --api &lt;url&gt; --key &lt;api key&gt;</code>.
          </div>
        ) : !nodes ? (
          <div className="skeleton skeleton--rows" aria-busy />
        ) : (
          <div className="table-scroll">
            <table className="table table--fog-nodes" data-testid="fog-nodes-table">
              <thead>
                <tr>
                  <th>Node</th>
                  <th>Status</th>
                  <th>CPU cores</th>
                  <th>Memory MB</th>
                  <th>GPUs</th>
                  <th>Jobs</th>
                  <th>Runtimes</th>
                  <th>Region · pool</th>
                  <th>Last heartbeat</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {nodes.map((n) => {
                  const r = n.allocated;
                  return (
                    <tr
                      key={n.id}
                      data-testid="fog-node-row"
                      data-id={n.id}
                      data-name={n.name}
                      data-status={n.status}
                      data-cordoned={n.cordoned}
                      data-draining={n.draining}
                      data-drained={n.drained}
                    >
                      <td className="cell-details">
                        <span className="cell-title" data-testid="fog-node-name">{n.name}</span>
                        <div className="muted small cell-sub mono" title={n.id}>{n.id.slice(0, 8)}</div>
                      </td>
                      <td>
                        <FogNodeStatusBadge status={n.status} testId="fog-node-status" />
                        {n.drained ? (
                          <span className="chip" data-testid="fog-node-drained" title="Nothing scheduled or running on it: safe to stop">
                            drained
                          </span>
                        ) : n.draining && n.cordoned ? (
                          <span className="chip" data-testid="fog-node-draining">draining</span>
                        ) : n.cordoned ? (
                          <span className="chip" data-testid="fog-node-cordoned"> cordoned</span>
                        ) : null}
                      </td>
                      <td>
                        <UsageMeter used={r.cpuCores} limit={n.cpuCores} unit="cores reserved" testId="fog-node-cpu" />
                        <div className="muted small" data-testid="fog-node-cpu-percent" data-value={n.utilisation?.cpuPercent ?? ''}>
                          measured {formatPercent(n.utilisation?.cpuPercent)}
                        </div>
                      </td>
                      <td>
                        <UsageMeter used={r.memoryMb} limit={n.memoryMb} unit="MB reserved" testId="fog-node-memory" />
                        <div className="muted small" data-testid="fog-node-memory-percent" data-value={n.utilisation?.memoryPercent ?? ''}>
                          measured {formatPercent(n.utilisation?.memoryPercent)}
                        </div>
                      </td>
                      <td>
                        {n.gpus > 0 ? (
                          <>
                            <UsageMeter used={r.gpus} limit={n.gpus} unit="GPUs reserved" testId="fog-node-gpus" />
                            <div className="muted small">{n.gpuModel ?? 'GPU'}</div>
                          </>
                        ) : (
                          <span className="muted" data-testid="fog-node-gpus" data-value={0} data-limit={0}>none</span>
                        )}
                      </td>
                      <td className="num" data-testid="fog-node-jobs" data-value={n.utilisation?.runningJobs ?? ''} data-reserved={n.activeJobs}>
                        <button type="button" className="button button--link" onClick={() => onShowJobs(n.id)} data-testid="fog-node-show-jobs">
                          {n.activeJobs} active
                        </button>
                      </td>
                      <td data-testid="fog-node-runtimes" data-value={n.runtimes.join(',')}>
                        {n.runtimes.map((rt) => (
                          <span key={rt} className="chip">{rt}</span>
                        ))}
                      </td>
                      <td>
                        <span data-testid="fog-node-region">{n.region ?? '—'}</span>
                        <div className="muted small" data-testid="fog-node-pool" data-value={n.pool}>
                          {n.pool === 'GOLD_DEDICATED' ? 'Gold dedicated (Gold, Platinum)' : 'Shared (every tier)'}
                        </div>
                      </td>
                      <td
                        data-testid="fog-node-heartbeat"
                        data-value={n.lastHeartbeatAt ?? ''}
                        data-missed={n.missedHeartbeats}
                        title={formatDateTime(n.lastHeartbeatAt, true)}
                      >
                        {n.lastHeartbeatAt ? formatAgo(n.lastHeartbeatAt, now) : 'never'}
                        {n.missedHeartbeats > 0 ? <div className="muted small">{n.missedHeartbeats} missed</div> : null}
                      </td>
                      <td className="peer-detail__actions">
                        {n.cordoned ? (
                          <button
                            type="button"
                            className="button button--secondary button--small"
                            onClick={() => void act(() => cordon({ id: n.id, cordoned: false }))}
                            data-testid="fog-node-uncordon"
                          >
                            Uncordon
                          </button>
                        ) : (
                          <>
                            <button
                              type="button"
                              className="button button--secondary button--small"
                              onClick={() => void act(() => cordon({ id: n.id, cordoned: true }))}
                              data-testid="fog-node-cordon"
                              title="No new jobs on this node; running ones continue"
                            >
                              Cordon
                            </button>
                            <button
                              type="button"
                              className="button button--ghost-danger button--small"
                              onClick={() => setConfirming(n)}
                              data-testid="fog-node-drain"
                            >
                              Drain
                            </button>
                          </>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </Section>
  );
}
