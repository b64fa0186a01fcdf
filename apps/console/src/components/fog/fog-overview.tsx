'use client';
/**
 * One namespace's fog: its nodes with live utilisation, the queue by tier, the jobs (filtered,
 * a page at a time), the submit form and the cost. Nodes and the queue summary are re-read
 * every POLL_MS; the summary also gives each node what the scheduler reserved on it.
 */
import { useMemo } from 'react';
import { useRouter } from 'next/navigation';
import { useQuery } from 'urql';
import type { FogJobStatus } from '@/gql/graphql';
import { FilterSelect, namespaceChoices } from '@/components/ui/toolbar';
import { useInterval } from '@/components/ui/use-interval';
import { useMounted } from '@/components/ui/use-mounted';
import { apiError } from '@/lib/errors';
import { FogCostPanel } from './fog-cost-panel';
import { FogJobsPanel } from './fog-jobs-panel';
import { fogHref } from './fog-links';
import { countByTier, POLL_MS, reservedByNode } from './fog-model';
import { FogNodesPanel } from './fog-nodes-panel';
import { FogQueueSummary } from './fog-queue-summary';
import { FogSubmitForm } from './fog-submit-form';
import { fogNamespacesQuery, fogNodesQuery, fogQueueQuery } from './fog.operations';

/** Jobs the queue summary counts (the newest; the API serves at most 1000 per request). */
export const QUEUE_WINDOW = 1000;

export function FogOverview({ namespace, status, nodeId }: { namespace: string; status: FogJobStatus | null; nodeId: string | null }) {
  const router = useRouter();
  const mounted = useMounted();
  const [namespaces] = useQuery({ query: fogNamespacesQuery, pause: !mounted });
  const [nodesResult, reexecuteNodes] = useQuery({ query: fogNodesQuery, variables: { namespace }, pause: !mounted });
  const [queueResult, reexecuteQueue] = useQuery({ query: fogQueueQuery, variables: { namespace, first: QUEUE_WINDOW }, pause: !mounted });
  const refresh = () => {
    reexecuteNodes({ requestPolicy: 'network-only' });
    reexecuteQueue({ requestPolicy: 'network-only' });
  };
  useInterval(refresh, mounted ? POLL_MS : null);

  const queueJobs = queueResult.data?.fogJobs.nodes;
  const counts = useMemo(() => countByTier(queueJobs ?? []), [queueJobs]);
  const reserved = useMemo(() => reservedByNode(queueJobs ?? []), [queueJobs]);
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
        reserved={reserved}
        onChanged={refresh}
        onShowJobs={(id) => router.replace(fogHref({ namespace, status, node: id }), { scroll: false })}
      />
      <FogQueueSummary
        counts={counts}
        loaded={queueJobs?.length ?? null}
        truncated={queueResult.data?.fogJobs.pageInfo.hasNextPage ?? false}
        error={queueResult.error ? apiError(queueResult.error).message : null}
        onFilter={(s) => router.replace(fogHref({ namespace, status: s, node: nodeId }), { scroll: false })}
      />
      <FogJobsPanel namespace={namespace} status={status} nodeId={nodeId} nodes={nodes ?? []} />
      <FogSubmitForm namespace={namespace} onSubmitted={refresh} />
      <FogCostPanel namespace={namespace} />
    </div>
  );
}
