/**
 * What the graph explorer draws: an entity's neighbourhood (each node joined to its parent one
 * hop closer by the relation the API names) plus the entities and relations of the paths
 * found, which are highlighted. Entities are coloured by type, relations by kind and labelled
 * with their free label; a pair joined by several relations gets one lane each. Pure.
 */
import type {
  EntityType,
  KnowledgeEntityFieldsFragment,
  KnowledgeNeighborhoodQuery,
  KnowledgePathsQuery,
  KnowledgeRelationFieldsFragment,
  RelationKind,
} from '@/gql/graphql';

/** The guide's max_traversal_depth: hops and maxHops are 1..5. */
export const MAX_HOPS = 5;

export type Neighbourhood = KnowledgeNeighborhoodQuery['knowledgeNeighborhood'];
export type PathsAnswer = KnowledgePathsQuery['knowledgePaths'];
type Entity = KnowledgeEntityFieldsFragment;
type Relation = KnowledgeRelationFieldsFragment;

export const ENTITY_TYPES: readonly EntityType[] = ['PERSON', 'ORG', 'PLACE', 'CONCEPT'];

export const ENTITY_TYPE_COLORS: Record<EntityType, string> = {
  PERSON: '#db2777',
  ORG: '#4f46e5',
  PLACE: '#0e9384',
  CONCEPT: '#98a2b3',
};

export const RELATION_KINDS: readonly RelationKind[] = [
  'SEMANTIC',
  'CAUSAL',
  'TEMPORAL',
  'HIERARCHICAL',
  'ASSOCIATIVE',
  'CONTRADICTION',
  'EVIDENCE',
  'INFERENCE',
];

export const RELATION_KIND_COLORS: Record<RelationKind, string> = {
  SEMANTIC: '#2e90fa',
  CAUSAL: '#f04438',
  TEMPORAL: '#0891b2',
  HIERARCHICAL: '#7a5af8',
  ASSOCIATIVE: '#b0b8c5',
  CONTRADICTION: '#c11574',
  EVIDENCE: '#12b76a',
  INFERENCE: '#f79009',
};

export interface KnowledgeNode {
  id: string;
  label: string;
  key: string;
  type: EntityType;
  /** Hops from the centre; null for an entity only a path reached. */
  distance: number | null;
}

export interface KnowledgeEdge {
  /** The relation id. */
  key: string;
  /** Subject → object. */
  source: string;
  target: string;
  kind: RelationKind;
  label: string;
  confidence: number;
  /** Position among the relations of the same pair (0…lanes−1): drawn side by side. */
  lane: number;
  lanes: number;
}

export interface KnowledgeGraphModel {
  centreId: string | null;
  nodes: KnowledgeNode[];
  edges: KnowledgeEdge[];
}

export interface PathHighlight {
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}

export const NO_HIGHLIGHT: PathHighlight = { nodes: new Set(), edges: new Set() };

/** The neighbourhood's tree edges plus every entity and relation of `paths`. */
export function knowledgeGraph(neighbourhood: Neighbourhood | null, paths: PathsAnswer | null): KnowledgeGraphModel {
  const nodes = new Map<string, KnowledgeNode>();
  const relations = new Map<string, Relation>();
  const addEntity = (e: Entity, distance: number | null) => {
    if (!nodes.has(e.id)) nodes.set(e.id, { id: e.id, label: e.name, key: e.key, type: e.type, distance });
  };
  if (neighbourhood) {
    addEntity(neighbourhood.entity, 0);
    for (const n of neighbourhood.nodes) {
      addEntity(n.entity, n.distance);
      relations.set(n.via.id, n.via);
    }
  }
  for (const p of paths?.paths ?? []) {
    p.entities.forEach((e) => addEntity(e, null));
    p.relations.forEach((r) => relations.set(r.id, r));
  }
  return { centreId: neighbourhood?.entity.id ?? null, nodes: [...nodes.values()], edges: laneEdges([...relations.values()], nodes) };
}

function laneEdges(relations: readonly Relation[], nodes: ReadonlyMap<string, KnowledgeNode>): KnowledgeEdge[] {
  const byPair = new Map<string, Relation[]>();
  for (const r of relations) {
    const [a, b] = [r.subject.id, r.object.id];
    if (a === b || !nodes.has(a) || !nodes.has(b)) continue;
    const pair = a < b ? `${a}|${b}` : `${b}|${a}`;
    const list = byPair.get(pair);
    if (list) list.push(r);
    else byPair.set(pair, [r]);
  }
  const edges: KnowledgeEdge[] = [];
  for (const list of byPair.values()) {
    list.forEach((r, lane) =>
      edges.push({
        key: r.id,
        source: r.subject.id,
        target: r.object.id,
        kind: r.kind,
        label: r.label,
        confidence: r.confidence,
        lane,
        lanes: list.length,
      }),
    );
  }
  return edges;
}

/** The entities and relations on any of the paths found. */
export function pathHighlight(paths: PathsAnswer | null): PathHighlight {
  if (!paths || paths.paths.length === 0) return NO_HIGHLIGHT;
  return {
    nodes: new Set(paths.paths.flatMap((p) => p.entities.map((e) => e.id))),
    edges: new Set(paths.paths.flatMap((p) => p.relations.map((r) => r.id))),
  };
}

/** Relations per kind, for the legend (kinds present only). */
export function kindCounts(edges: readonly KnowledgeEdge[]): [RelationKind, number][] {
  const counts = new Map<RelationKind, number>();
  for (const e of edges) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  return RELATION_KINDS.filter((k) => counts.has(k)).map((k) => [k, counts.get(k)!]);
}

/** Entities per type, for the legend. */
export function typeCounts(nodes: readonly KnowledgeNode[]): Record<EntityType, number> {
  const counts: Record<EntityType, number> = { PERSON: 0, ORG: 0, PLACE: 0, CONCEPT: 0 };
  for (const n of nodes) counts[n.type] += 1;
  return counts;
}
