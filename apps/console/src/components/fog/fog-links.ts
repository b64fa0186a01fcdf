/** Shareable URLs of the Fog page: the overview of a namespace (optionally filtered jobs) and one job. */
import type { FogJobStatus, FogTier } from '@/gql/graphql';

export interface FogView {
  namespace?: string | null;
  status?: FogJobStatus | null;
  tier?: FogTier | null;
  node?: string | null;
}

/** `/fog`, `/fog?namespace=research&status=RUNNING&tier=GOLD&node=<id>` */
export function fogHref({ namespace, status, tier, node }: FogView = {}): string {
  const params = new URLSearchParams();
  if (namespace && namespace !== 'default') params.set('namespace', namespace);
  if (status) params.set('status', status);
  if (tier) params.set('tier', tier);
  if (node) params.set('node', node);
  const query = params.toString();
  return query ? `/fog?${query}` : '/fog';
}

/** `/fog?job=<id>` */
export function fogJobHref(id: string): string {
  return `/fog?${new URLSearchParams({ job: id })}`;
}
