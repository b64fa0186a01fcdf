'use client';
/**
 * The Fog page body. What it shows lives in the URL: `/fog` (a namespace's nodes, queue,
 * jobs, submit form and cost; `?namespace=`, `?status=`, `?tier=`, `?node=` narrow it) and
 * `/fog?job=<id>` (one job: spec, timings, result and live logs).
 */
import { useSearchParams } from 'next/navigation';
import type { FogJobStatus, FogTier } from '@/gql/graphql';
import { FogJobDetailPanel } from './fog-job-detail-panel';
import { JOB_STATUSES, TIERS } from './fog-model';
import { FogOverview } from './fog-overview';

export function FogPanel() {
  const params = useSearchParams();
  const job = params.get('job');
  // Keyed so another job starts from a clean slate (its own live log).
  if (job) return <FogJobDetailPanel key={job} id={job} />;
  const status = params.get('status') as FogJobStatus | null;
  const tier = params.get('tier') as FogTier | null;
  const namespace = params.get('namespace') || 'default';
  return (
    <FogOverview
      key={namespace}
      namespace={namespace}
      status={status && JOB_STATUSES.includes(status) ? status : null}
      tier={tier && TIERS.includes(tier) ? tier : null}
      nodeId={params.get('node') || null}
    />
  );
}
