'use client';
/**
 * The Training page body. What it shows lives in the URL, so every view can be shared:
 * `/training` (every run, optionally `?status=` and `?namespace=`), `/training?new=1` (the
 * new-run form, `&from=<id>` to start from a run's configuration) and `/training?run=<id>`
 * (one run: phases, live metrics, cancel and retry).
 */
import { useSearchParams } from 'next/navigation';
import type { TrainingRunStatus } from '@/gql/graphql';
import { NewTrainingRunForm } from './new-training-run-form';
import { RUN_STATUSES } from './training-phases';
import { TrainingRunDetailPanel } from './training-run-detail-panel';
import { TrainingRunsPanel } from './training-runs-panel';

export function TrainingPanel() {
  const params = useSearchParams();
  const run = params.get('run');
  if (run) {
    // Keyed so that opening another run starts from a clean slate (its own points, errors).
    return <TrainingRunDetailPanel key={run} id={run} />;
  }
  if (params.get('new')) {
    const from = params.get('from');
    return <NewTrainingRunForm key={from ?? 'blank'} from={from} />;
  }
  const status = params.get('status');
  const namespace = params.get('namespace');
  return (
    <TrainingRunsPanel
      status={RUN_STATUSES.includes(status as TrainingRunStatus) ? (status as TrainingRunStatus) : null}
      namespace={namespace || null}
    />
  );
}
