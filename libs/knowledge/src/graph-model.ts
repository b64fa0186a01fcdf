/**
 * The knowledge graph's vocabulary, shared by extraction, the WordNet loader and graph search
 * (and later the Prisma schema and GraphQL enums, which must use these exact names).
 */

/**
 * HyperRAG's relation kinds. Every relation has exactly one kind plus a free `label`
 * (e.g. HIERARCHICAL/is_a, HIERARCHICAL/part_of, CAUSAL/causes).
 */
export const RELATION_KINDS = [
  'SEMANTIC',
  'CAUSAL',
  'TEMPORAL',
  'HIERARCHICAL',
  'ASSOCIATIVE',
  'CONTRADICTION',
  'EVIDENCE',
  'INFERENCE',
] as const;
export type RelationKind = (typeof RELATION_KINDS)[number];

export function isRelationKind(value: string): value is RelationKind {
  return (RELATION_KINDS as readonly string[]).includes(value);
}

/**
 * Entity types the rule-based extractor can tell apart. CONCEPT is both "an abstract noun
 * phrase" and "unknown": the heuristics only claim PERSON, ORG or PLACE on a specific cue.
 */
export const ENTITY_TYPES = ['PERSON', 'ORG', 'PLACE', 'CONCEPT'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];
