/** `@aivillage/knowledge/worker`: the ingestion runner the workers' `knowledge` queue calls. */
export * from './ingestion.runner.js';
export { bumpKnowledgeVersion } from './knowledge-cache.js';
