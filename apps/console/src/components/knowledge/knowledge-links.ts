/** Shareable URLs of the Knowledge page: the namespace it works in and the graph explorer's centre. */

export interface KnowledgeView {
  namespace?: string | null;
  /** The graph explorer's centre: an entity id, key or name (the API resolves any of them). */
  entity?: string | null;
  /** Hops of the explored neighbourhood (1..5). */
  hops?: number | null;
}

/** `/knowledge`, `/knowledge?namespace=lab&entity=<id>&hops=2` */
export function knowledgeHref({ namespace, entity, hops }: KnowledgeView = {}): string {
  const params = new URLSearchParams();
  if (namespace && namespace !== 'default') params.set('namespace', namespace);
  if (entity) params.set('entity', entity);
  if (entity && hops) params.set('hops', String(hops));
  const query = params.toString();
  return query ? `/knowledge?${query}` : '/knowledge';
}
