/**
 * @aivillage/knowledge: the database-free core of the knowledge base (HyperRAG) — chunking,
 * embedding, rule-based graph extraction, rank fusion, in-memory graph search, and loaders for
 * the real data that ships in packages (State of the Union, WordNet). The Postgres/pgvector
 * store, the ingestion queue and GraphQL build on these. onnxruntime-node is loaded only when
 * an ONNX embedder is created.
 */
export * from './knowledge-errors.js';
export * from './graph-model.js';
export * from './stopwords.js';
export * from './tokenize.js';
export * from './wordpiece.js';
export * from './chunker.js';
export * from './embedder.js';
export * from './onnx-embedder.js';
export * from './extract.js';
export * from './fusion.js';
export * from './graph-search.js';
export * from './datasets.js';
export * from './query-entities.js';
export * from './embedder-config.js';
