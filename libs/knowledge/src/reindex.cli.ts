/**
 * `npm run knowledge:reindex -- [--dimension 384] [--blocking]`: (re)builds the HNSW index of
 * one embedding dimension with KNOWLEDGE_HNSW_M and KNOWLEDGE_HNSW_EF_CONSTRUCTION, on
 * DATABASE_URL (DATABASE_SCHEMA), concurrently with writes unless --blocking. Run it after
 * changing those variables, or to index a dimension other than 384 (an ONNX model of 768
 * dimensions, say); a dimension without an index is searched exactly (correct, but slow).
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { baseConfigSchema, loadConfig } from '@aivillage/config';
import { buildHnswIndex } from './hnsw-index.js';

const { values } = parseArgs({ options: { dimension: { type: 'string' }, blocking: { type: 'boolean', default: false }, 'work-mem': { type: 'string', default: '512MB' } } });
const config = loadConfig(baseConfigSchema);
const client = new pg.Client({ connectionString: config.DATABASE_URL, ...(config.DATABASE_SCHEMA ? { options: `-c search_path=${config.DATABASE_SCHEMA},public` } : {}) });
try {
  await client.connect();
  await buildHnswIndex(client, {
    dimension: Number(values.dimension ?? config.KNOWLEDGE_DIMENSION),
    m: config.KNOWLEDGE_HNSW_M,
    efConstruction: config.KNOWLEDGE_HNSW_EF_CONSTRUCTION,
    concurrently: !values.blocking,
    maintenanceWorkMem: values['work-mem'],
    log: (m) => console.log(`knowledge:reindex: ${m}`),
  });
} catch (error) {
  console.error(`knowledge:reindex: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await client.end();
}
