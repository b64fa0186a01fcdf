'use client';
/**
 * One namespace's fog: its nodes with live utilisation and what their jobs hold, the queue by
 * tier (counted by the API), the jobs (filtered, a page at a time), the submit form and the
 * cost. Nodes and the queue summary are re-read every POLL_MS.
 */
import { useMemo } from 'react';
import { useRouter } from 'next/navigation';
import { useQuery } from 'urql';
import type { FogJobStatus, FogTier } from '@/gql/graphql';
import { FilterSelect, namespaceChoices } from '@/components/ui/toolbar';
import { useInterval } from '@/components/ui/use-interval';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError } from '@/lib/errors';
import { FogCostPanel } from './fog-cost-panel';
import { FogJobsPanel } from './fog-jobs-panel';
import { fogHref } from './fog-links';
import { countByTier, POLL_MS } from './fog-model';
import { FogNodesPanel } from './fog-nodes-panel';
import { FogQueueSummary } from './fog-queue-summary';
import { FogSubmitForm } from './fog-submit-form';
import { fogNamespacesQuery, fogNodesQuery, fogQueueSummaryQuery } from './fog.operations';

export function FogOverview({
  namespace,
  status,
  tier,
  nodeId,
}: {
  namespace: string;
  status: FogJobStatus | null;
  tier: FogTier | null;
  nodeId: string | null;
}) {
  const router = useRouter();
  const mounted = useMounted();
  const [namespaces] = useQuery({ query: fogNamespacesQuery, pause: !mounted });
  const [nodesResult, reexecuteNodes] = useQuery({ query: fogNodesQuery, variables: { namespace }, pause: !mounted });
  const [queueResult, reexecuteQueue] = useQuery({ query: fogQueueSummaryQuery, variables: { namespace }, pause: !mounted });
  const refresh = () => {
    reexecuteNodes({ requestPolicy: 'network-only' });
    reexecuteQueue({ requestPolicy: 'network-only' });
  };
  useInterval(refresh, mounted ? POLL_MS : null);

  const tiers = queueResult.data?.fogQueueSummary;
  const counts = useMemo(() => (tiers ? countByTier(tiers) : null), [tiers]);
  const oldest = useMemo(() => Object.fromEntries((tiers ?? []).map((t) => [t.tier, t.oldestQueuedAt ?? null])), [tiers]);
  const nodes = nodesResult.data?.fogNodes ?? null;
  const choices = namespaceChoices(namespace, namespaces.data?.namespaces.map((n) => n.name) ?? []);

  return (
    <div className="fog" data-testid="fog" data-namespace={namespace}>
      <div className="toolbar">
        <FilterSelect
          label="Namespace"
          value={namespace}
          options={choices}
          onChange={(value) => router.replace(fogHref({ namespace: value }))}
          testId="fog-namespace"
        />
      </div>
      <FogNodesPanel
        nodes={nodes}
        error={nodesResult.error ? apiError(nodesResult.error).message : null}
        onChanged={refresh}
        onShowJobs={(id) => router.replace(fogHref({ namespace, status, tier, node: id }), { scroll: false })}
      />
      <FogQueueSummary
        counts={counts}
        oldestQueuedAt={oldest}
        error={queueResult.error ? apiError(queueResult.error).message : null}
        onFilter={(t, s) => router.replace(fogHref({ namespace, status: s, tier: t, node: nodeId }), { scroll: false })}
      />
      <FogJobsPanel namespace={namespace} status={status} tier={tier} nodeId={nodeId} nodes={nodes ?? []} />
      <FogSubmitForm namespace={namespace} onSubmitted={refresh} />
      <FogCostPanel namespace={namespace} />
    </div>
  );
}
