/** Shareable URLs of the Training page: the runs (optionally filtered), one run, the new-run form. */
import type { TrainingRunStatus } from '@/gql/graphql';

/** `/training`, `/training?status=RUNNING&namespace=research` */
export function trainingHref(filter: { status?: TrainingRunStatus | null; namespace?: string | null } = {}): string {
  const params = new URLSearchParams();
  if (filter.status) params.set('status', filter.status);
  if (filter.namespace) params.set('namespace', filter.namespace);
  const query = params.toString();
  return query ? `/training?${query}` : '/training';
}

/** `/training?run=<id>` */
export function trainingRunHref(id: string): string {
  return `/training?${new URLSearchParams({ run: id })}`;
}

/** `/training?new=1`, or `/training?new=1&from=<id>` to start from another run's configuration. */
export function newTrainingRunHref(from?: string | null): string {
  return `/training?${new URLSearchParams(from ? { new: '1', from } : { new: '1' })}`;
}
