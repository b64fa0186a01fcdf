/**
 * `@aivillage/knowledge/store`: the knowledge base over Postgres (pgvector, full text, the
 * graph) and Redis (result cache) — what the API composes. The package root stays
 * database-free; the worker's side is `@aivillage/knowledge/worker`.
 */
export * from './knowledge-store.js';
export * from './knowledge-cache.js';
export * from './search-sql.js';
export * from './search.service.js';
export * from './document.service.js';
export * from './knowledge-graph.service.js';
export * from './knowledge-entity.service.js';
export * from './hnsw-index.js';
export * from './knowledge-namespaces.js';
export * from './graph-snapshot.js';
export * from './graph-snapshots.js';
export * from './pooled-sql.js';
