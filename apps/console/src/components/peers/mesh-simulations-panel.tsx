'use client';
/**
 * Simulations: generate meshes and run gossip propagation on them (or on the registered
 * peers). Both run on workers, so rows go QUEUED → RUNNING → SUCCEEDED / FAILED: the lists are
 * re-read every POLL_MS while any row is queued or running (the topologies list is owned by
 * the page, which also feeds the topology view). Past runs are compared in a table and a chart
 * (times by run, oldest first); one run opens below with its bars and guide comparison.
 */
import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { ApiErrorCallout } from '@/components/models/api-error-callout';
import { Section } from '@/components/ui/section';
import { SeriesChart } from '@/components/ui/series-chart';
import { RefreshButton } from '@/components/ui/toolbar';
import { useInterval } from '@/components/ui/use-interval';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError } from '@/lib/errors';
import { formatMs } from '@/lib/format';
import { GenerateMeshForm } from './generate-mesh-form';
import type { MeshPeer } from './mesh-graph-model';
import { MeshTopologiesTable } from './mesh-topologies-table';
import { propagationSimulationsQuery } from './peers.operations';
import { PropagationRunDetail } from './propagation-run-detail';
import { PropagationRunsTable } from './propagation-runs-table';
import { SimulatePropagationForm } from './simulate-propagation-form';
import { isPending, POLL_MS, type Topology } from './simulation-model';

/** Runs listed (newest first). */
export const RUNS_SHOWN = 50;

const COMPARE_SERIES = [
  { key: 'avg', label: 'avg', color: '#4f46e5' },
  { key: 'p50', label: 'p50', color: '#059669' },
  { key: 'p95', label: 'p95', color: '#0891b2' },
  { key: 'p100', label: 'p100', color: '#db2777' },
] as const;

export function MeshSimulationsPanel({
  namespace,
  peers,
  topologies,
  topologiesError,
  refreshTopologies,
  shownTopologyId,
  onShowTopology,
}: {
  namespace: string;
  peers: readonly MeshPeer[];
  topologies: readonly Topology[];
  topologiesError: string | null;
  refreshTopologies: () => void;
  shownTopologyId: string | null;
  onShowTopology: (id: string) => void;
}) {
  const mounted = useMounted();
  const [runsResult, reexecuteRuns] = useQuery({
    query: propagationSimulationsQuery,
    variables: { namespace, first: RUNS_SHOWN },
    pause: !mounted,
    requestPolicy: 'cache-and-network',
  });
  const runs = useMemo(() => runsResult.data?.propagationSimulations ?? [], [runsResult.data]);
  const refreshRuns = () => reexecuteRuns({ requestPolicy: 'network-only' });
  useInterval(refreshRuns, runs.some((r) => isPending(r.status)) ? POLL_MS : null);

  const [target, setTarget] = useState('');
  const [selectedRun, setSelectedRun] = useState<string | null>(null);
  const ready = topologies.filter((t) => t.status === 'SUCCEEDED');
  const meshName = (id: string | null | undefined) =>
    id ? (topologies.find((t) => t.id === id)?.name ?? `mesh ${id.slice(0, 8)}`) : 'registered peers';
  const selected = runs.find((r) => r.id === selectedRun) ?? null;

  const compared = useMemo(
    () =>
      runs
        .filter((r) => r.report)
        .reverse()
        .map((r, i) => ({
          step: i + 1,
          avg: r.report!.avgPropagationMs,
          p50: r.report!.timeToLive.p50 ?? null,
          p95: r.report!.timeToLive.p95 ?? null,
          p100: r.report!.timeToLive.p100 ?? null,
        })),
    [runs],
  );

  return (
    <Section
      testId="mesh-simulations"
      title="Simulations"
      sub="Generate seeded meshes and simulate gossip on them or on the registered peers; both run on a worker and are stored for comparison."
      aside={
        <RefreshButton
          onClick={() => {
            refreshRuns();
            refreshTopologies();
          }}
          testId="simulations-refresh"
        />
      }
    >
      <div className="grid">
        <GenerateMeshForm
          namespace={namespace}
          onGenerated={(id) => {
            refreshTopologies();
            setTarget(id);
          }}
        />
        <SimulatePropagationForm
          namespace={namespace}
          peers={peers}
          topologies={ready}
          target={ready.some((t) => t.id === target) ? target : ''}
          onTarget={setTarget}
          onQueued={(id) => {
            setSelectedRun(id);
            refreshRuns();
          }}
        />
      </div>

      <section className="card table-card" data-testid="mesh-topologies" aria-labelledby="mesh-topologies-title">
        <div className="table-card__head">
          <h3 id="mesh-topologies-title" className="table-card__title">
            Generated meshes
          </h3>
          <span className="muted" data-testid="mesh-topologies-count" data-value={topologies.length}>
            {topologies.length} {topologies.length === 1 ? 'mesh' : 'meshes'} in {namespace}
          </span>
        </div>
        {topologiesError ? <div className="callout callout--error table-card__callout">Could not load meshes: {topologiesError}</div> : null}
        {topologies.length === 0 ? (
          <p className="empty" data-testid="mesh-topologies-empty">
            None yet: generate one above (the guide&apos;s scenario is 100 peers).
          </p>
        ) : (
          <MeshTopologiesTable topologies={topologies} shownId={shownTopologyId} onShow={onShowTopology} onSimulate={setTarget} />
        )}
      </section>

      <section className="card table-card" data-testid="simulation-runs" aria-labelledby="simulation-runs-title">
        <div className="table-card__head">
          <h3 id="simulation-runs-title" className="table-card__title">
            Propagation runs
          </h3>
          <span className="muted" data-testid="simulation-runs-count" data-value={runs.length} data-pending={runs.filter((r) => isPending(r.status)).length}>
            {runs.length} {runs.length === 1 ? 'run' : 'runs'} · times to reach the live peers
          </span>
        </div>
        {runsResult.error ? <ApiErrorCallout error={apiError(runsResult.error)} testId="simulation-runs-error" prefix="Could not load runs" /> : null}
        {runs.length === 0 ? (
          <p className="empty" data-testid="simulation-runs-empty">
            No runs yet: run one above.
          </p>
        ) : (
          <PropagationRunsTable runs={runs} topologies={topologies} selectedId={selectedRun} onSelect={setSelectedRun} />
        )}
      </section>

      {selected ? <PropagationRunDetail key={selected.id} run={selected} meshName={meshName(selected.topologyId)} /> : null}

      {compared.length > 1 ? (
        <SeriesChart
          id="simulation-compare"
          title="Runs compared"
          unit="ms to reach the live peers, by run (oldest first)"
          legend
          rows={compared}
          series={COMPARE_SERIES}
          empty={null}
          attrs={{ 'data-points': compared.length }}
          x="step"
          connectNulls
          formatValue={formatMs}
        />
      ) : null}
    </Section>
  );
}
