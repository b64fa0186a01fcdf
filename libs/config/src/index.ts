/**
 * Configuration shared by every process (api, workers, scripts, fog agent).
 * Each process parses its environment once at start-up with zod and fails fast,
 * listing every problem at once. `.env.example` and the README table mirror these schemas.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository root (this file is libs/config/dist/index.js); relative paths in config resolve from it. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/aivillage';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const int = (def: number) => z.coerce.number().int().nonnegative().default(def);

/** Values every process needs. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().url().default(DEFAULT_DATABASE_URL),
  /** Postgres schema holding the tables (default: the URL's search_path, i.e. public). Tests isolate with it. */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional(),
  /** Connections per process in the pg pool behind Prisma. */
  DATABASE_POOL_SIZE: int(10),
  REDIS_URL: z.string().url().default(DEFAULT_REDIS_URL),
  /** Prefix of every Redis key (queues, pub/sub, heartbeats): lets deployments share one Redis. */
  REDIS_PREFIX: z.string().min(1).default('aivillage'),
  /** Base period of the system-metrics sampler; `systemMetrics(intervalMs)` may not go below it. */
  METRICS_SAMPLE_MS: z.coerce.number().int().min(100).max(60_000).default(1000),
  /** How often a worker process writes its heartbeat; readers call it dead after 3 periods. */
  WORKER_HEARTBEAT_MS: z.coerce.number().int().min(100).default(2000),
  /**
   * Where model artifacts are stored, content-addressed (`<sha[0..2]>/<sha>.onnx`); relative
   * paths resolve from the repository root. The API (uploads) and every inference worker must see the same directory.
   */
  MODEL_ARTIFACT_DIR: z.string().min(1).default('data/artifacts').transform((p) => path.resolve(REPO_ROOT, p)),
  /**
   * Programs training phases may be bound to (executor COMMAND), by name, as JSON:
   * `{"quiet-star": ["python3", "/opt/forge/quiet_star.py"]}`. Only these run; the API
   * checks names against it, workers run the argv.
   */
  TRAINING_COMMANDS: z
    .string()
    .default('{}')
    .transform((raw, ctx) => {
      try {
        const parsed = z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/), z.array(z.string().min(1)).min(1)).parse(JSON.parse(raw));
        return parsed;
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `must be a JSON object of name → argv array (${(error as Error).message.split('\n')[0]})` });
        return z.NEVER;
      }
    }),
  /** A peer with no heartbeat for this long is OFFLINE (and leaves routes); workers sweep every P2P_PEER_TIMEOUT_MS / 3. */
  P2P_PEER_TIMEOUT_MS: z.coerce.number().int().min(1000).default(30_000),
  /**
   * Knowledge embeddings (libs/knowledge): `hashing` (hashing-ngram-v1, no model files) or `onnx` (a local
   * sentence-transformer in KNOWLEDGE_MODEL_DIR, never downloaded). Workers embed chunks with it, the API
   * embeds queries with it (ONNX loaded on the first query), so both must agree.
   */
  KNOWLEDGE_EMBEDDER: z.enum(['hashing', 'onnx']).default('hashing'),
  /** Directory of the ONNX model (model.onnx + vocab.txt or tokenizer.json); relative paths resolve from the repository root. */
  KNOWLEDGE_MODEL_DIR: z.string().min(1).optional().transform((p) => (p === undefined ? undefined : path.resolve(REPO_ROOT, p))),
  /** Embedding dimension: the hashing embedder's size, and what an ONNX model must produce. A namespace keeps the dimension of its first ingestion. */
  KNOWLEDGE_DIMENSION: z.coerce.number().int().min(1).max(16_000).default(384),
  /** Largest document (UTF-8 bytes) ingestDocument accepts; MAX_BODY_BYTES caps the whole request too. */
  KNOWLEDGE_MAX_DOCUMENT_BYTES: z.coerce.number().int().min(1).default(1_000_000),
  /** HNSW build parameters used by `npm run knowledge:reindex` (the migration builds the 384-d index with the defaults). */
  KNOWLEDGE_HNSW_M: z.coerce.number().int().min(2).max(100).default(16),
  KNOWLEDGE_HNSW_EF_CONSTRUCTION: z.coerce.number().int().min(4).max(1000).default(200),
  /** Fog agents heartbeat this often; a node is OFFLINE after FOG_MISSED_HEARTBEATS missed (its jobs are rescheduled). */
  FOG_HEARTBEAT_MS: z.coerce.number().int().min(100).default(10_000),
  FOG_MISSED_HEARTBEATS: z.coerce.number().int().min(1).max(100).default(3),
  /** Monthly GPU-hour quota of namespaces without a fog_quotas row; unset = unlimited. */
  FOG_DEFAULT_GPU_HOUR_QUOTA: z.coerce.number().nonnegative().optional(),
  /**
   * Observability (libs/observability): every API and worker process writes the increases of its
   * KPI histograms and counters, its memory and an `up` sample to metric_samples this often.
   */
  OBSERVABILITY_SAMPLE_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /** metric_samples older than this are pruned (hourly, maintenance queue); ≥ the longest sloReport window (7d). */
  OBSERVABILITY_RETENTION_HOURS: z.coerce.number().int().min(1).default(8 * 24),
  /** Hourly roll-ups of metric_samples (metric_samples_hourly) are kept this long (pruned with the samples); longer than the raw rows. */
  OBSERVABILITY_ROLLUP_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(35),
  /** Period of the regression and memory-leak detectors (maintenance queue). */
  OBSERVABILITY_DETECT_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /** Regression detector: an operation's p95 over the last RECENT ms against the BASELINE ms before it. */
  OBSERVABILITY_REGRESSION_RECENT_MS: z.coerce.number().int().min(1000).default(15 * 60_000),
  OBSERVABILITY_REGRESSION_BASELINE_MS: z.coerce.number().int().min(1000).default(24 * 3600_000),
  /** Requests each window needs before an operation is judged (the guide's detector waits for 20). */
  OBSERVABILITY_REGRESSION_MIN_SAMPLES: z.coerce.number().int().min(1).default(20),
  /** Memory-leak detector: samples of this long are read; a process is judged once its series spans MIN_WINDOW. */
  OBSERVABILITY_LEAK_WINDOW_MS: z.coerce.number().int().min(1000).default(3600_000),
  OBSERVABILITY_LEAK_MIN_WINDOW_MS: z.coerce.number().int().min(100).default(10 * 60_000),
  /** New alerts are POSTed here as JSON (optional); a slow or failing webhook never holds up alerting. */
  OBSERVABILITY_ALERT_WEBHOOK_URL: z.string().url().optional(),
  OBSERVABILITY_ALERT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  /**
   * Profiling (captureCpuProfile / captureHeapSnapshot): largest profile (uncompressed bytes) a
   * process stores; a heap snapshot above it fails rather than filling Postgres. Stored gzip-compressed.
   */
  PROFILING_MAX_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(256 * 1024 * 1024),
  /** A capture not finished this long after its CPU seconds (or its request, for a heap snapshot) is marked FAILED. */
  PROFILING_TIMEOUT_MS: z.coerce.number().int().min(1000).default(120_000),
  /** Profile artifacts kept (newest first); older ones are deleted when a capture finishes. */
  PROFILING_RETAIN: z.coerce.number().int().min(1).default(50),
});

export const apiConfigSchema = baseConfigSchema.extend({
  PORT: int(4000),
  HOST: z.string().default('0.0.0.0'),
  /** Origins allowed by CORS (the console); comma-separated. */
  CORS_ORIGINS: z.string().default('http://localhost:3000,http://127.0.0.1:3000'),
  /** Bodies above this many bytes get HTTP 413 PAYLOAD_TOO_LARGE. */
  MAX_BODY_BYTES: int(1_048_576),
  /** Queries nested deeper than this are rejected before execution. */
  MAX_QUERY_DEPTH: int(10),
  /** A WebSocket that sends no `connection_init` within this window is closed (4408). */
  WS_INIT_TIMEOUT_MS: int(3000),
  /** Time allowed for in-flight work on SIGTERM before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: int(10_000),
  /** How long a console sign-in lasts. */
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  /** Tier whose rate and connection limits apply to console sessions. */
  SESSION_TIER: z.enum(['BRONZE', 'SILVER', 'GOLD', 'PLATINUM']).default('GOLD'),
  /** `auto`: Secure cookies when the request came over HTTPS (directly or via a trusted proxy). */
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  /** Bearer token Prometheus may present to /metrics instead of an API key. */
  METRICS_SCRAPE_TOKEN: z.string().min(16).optional(),
  /** Trust X-Forwarded-* from a reverse proxy (client IPs, HTTPS detection). */
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /**
   * Switch authentication and limits off. Only for measuring their cost (bench/access.bench.ts);
   * refused when NODE_ENV=production.
   */
  AUTH_DISABLED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Largest ONNX upload accepted by POST /v1/models/artifacts (256 MiB); larger ones get 413. */
  MODEL_UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(256 * 1024 * 1024),
  /** Longest a `runInference` call waits for its result before INFERENCE_TIMEOUT. */
  INFERENCE_TIMEOUT_MS: z.coerce.number().int().min(10).max(600_000).default(10_000),
  /**
   * Inference jobs per model one API instance keeps outstanding; requests arriving while
   * they are all out leave together as the next job (bigger batches under load).
   */
  INFERENCE_MAX_JOBS_IN_FLIGHT: z.coerce.number().int().min(1).max(1024).default(4),
  /** Largest mesh `generateMeshTopology` accepts (the simulator itself stops at 100,000). */
  P2P_MAX_SIM_NODES: z.coerce.number().int().min(2).max(100_000).default(20_000),
  /** Link reports kept per link (a ring buffer: older ones are overwritten). */
  P2P_LINK_HISTORY: z.coerce.number().int().min(1).max(10_000).default(120),
  /** Signed peer messages whose timestamp is further than this from the server's clock are refused. */
  P2P_MAX_CLOCK_SKEW_MS: z.coerce.number().int().min(1000).default(300_000),
  /** Most signed messages in one POST /v1/p2p/messages. */
  P2P_MESSAGE_BATCH_MAX: z.coerce.number().int().min(1).max(100_000).default(2000),
  /** HNSW search breadth: hnsw.ef_search = max(this, 2 × candidates) (the guide's ef = max(2k, 50)). */
  KNOWLEDGE_HNSW_EF_SEARCH: z.coerce.number().int().min(1).max(1000).default(50),
  /** Most index tuples one filtered (iterative) HNSW scan visits before the search falls back to exact. */
  KNOWLEDGE_HNSW_MAX_SCAN_TUPLES: z.coerce.number().int().min(100).default(20_000),
  /** Namespaces of at most this many chunks are searched exactly (a scan of their rows costs about what the HNSW index does). */
  KNOWLEDGE_EXACT_SEARCH_MAX_CHUNKS: z.coerce.number().int().min(0).default(2000),
  /** searchKnowledge / graph results cached in Redis this long (entries also die when the namespace changes). */
  KNOWLEDGE_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).default(300),
  /**
   * Relations the API keeps in in-process graph snapshots (all namespaces together; a namespace
   * above it is always traversed in SQL); about 60 bytes per relation plus the entities. 0 = no snapshots.
   */
  KNOWLEDGE_GRAPH_SNAPSHOT_MAX_RELATIONS: z.coerce.number().int().min(0).default(2_000_000),
  /** Most documents in one ingestDocuments call, and most triples in one addRelations call. */
  KNOWLEDGE_MAX_BATCH_DOCUMENTS: z.coerce.number().int().min(1).max(10_000).default(100),
  KNOWLEDGE_MAX_BATCH_RELATIONS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  /** Bytes of each fog job stream (stdout, stderr) kept in Postgres; the rest is counted, not stored. */
  FOG_LOG_MAX_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(64 * 1024),
  /** Largest WASI module a fog job may carry (decoded bytes). */
  FOG_MODULE_MAX_BYTES: z.coerce.number().int().min(1024).default(8 * 1024 * 1024),
  /** Longest timeout a fog job may ask for. */
  FOG_MAX_TIMEOUT_MS: z.coerce.number().int().min(1000).default(3_600_000),
}).refine((c) => !(c.AUTH_DISABLED && c.NODE_ENV === 'production'), {
  message: 'AUTH_DISABLED=true is not allowed when NODE_ENV=production',
  path: ['AUTH_DISABLED'],
});

export const workerConfigSchema = baseConfigSchema.extend({
  /** Comma-separated queue names this process serves; `*` = all queues in the contract. */
  WORKER_QUEUES: z.string().default('*'),
  WORKER_CONCURRENCY: int(4),
  /** Inference jobs one worker process takes at once; their requests share batched runs. */
  INFERENCE_CONCURRENCY: z.coerce.number().int().min(1).default(16),
  /** Dynamic batching: most rows in one onnxruntime run. */
  INFERENCE_MAX_BATCH: z.coerce.number().int().min(1).default(64),
  /** Dynamic batching: longest a request waits for company (0 = only what arrives in the same turn). */
  INFERENCE_MAX_DELAY_MS: z.coerce.number().min(0).max(1000).default(0),
  /** Estimated native memory the per-worker model session cache may use. */
  INFERENCE_SESSION_CACHE_MB: z.coerce.number().int().min(1).default(1024),
  /** onnxruntime intra-op threads per session (0 = onnxruntime's default: one per core). */
  INFERENCE_THREADS: z.coerce.number().int().min(0).default(1),
  /**
   * How long a training phase's job lock lasts without renewal; a worker that dies mid-phase
   * is noticed about this long after (then the phase resumes from its checkpoint elsewhere).
   */
  TRAINING_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  /** Training phases one worker process runs at once (they are CPU-bound). */
  TRAINING_CONCURRENCY: z.coerce.number().int().min(1).default(1),
  /** Chunk size and overlap in tokens (capped by an ONNX model's window). */
  KNOWLEDGE_CHUNK_TOKENS: z.coerce.number().int().min(16).max(8192).default(256),
  KNOWLEDGE_CHUNK_OVERLAP: z.coerce.number().int().min(0).max(1024).default(32),
  /** Chunks per embedder call (one progress event each). */
  KNOWLEDGE_EMBED_BATCH: z.coerce.number().int().min(1).max(4096).default(64),
  /** Documents one worker process ingests at once (chunking, embedding and extraction are CPU-bound). */
  KNOWLEDGE_CONCURRENCY: z.coerce.number().int().min(1).default(1),
  /** Ingestion job lock; a worker killed mid-document is noticed about this long after and the job retried. */
  KNOWLEDGE_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  /** Period of the fog scheduler's repeatable pass (passes also run at once on submit). */
  FOG_SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(50).default(1000),
  SHUTDOWN_TIMEOUT_MS: int(10_000),
});

/**
 * The fog agent (`npm run fog-agent`): it talks to the API over HTTP with an API key and
 * pulls its jobs from BullMQ, so it needs REDIS_URL / REDIS_PREFIX of the deployment but no
 * database. Command-line flags override these.
 */
export const fogAgentConfigSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z.string().url().default(DEFAULT_REDIS_URL),
  REDIS_PREFIX: z.string().min(1).default('aivillage'),
  FOG_AGENT_API_URL: z.string().url().optional(),
  FOG_AGENT_API_KEY: z.string().min(8).optional(),
  /** Seconds a SIGTERM waits for running fog jobs before handing them back. */
  FOG_AGENT_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
});
export type FogAgentConfig = z.infer<typeof fogAgentConfigSchema>;

export type BaseConfig = z.infer<typeof baseConfigSchema>;
export type ApiConfig = z.infer<typeof apiConfigSchema>;
export type WorkerConfig = z.infer<typeof workerConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `env` against `schema`, throwing one ConfigError that lists every problem. */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  // Empty strings mean "unset" so that `FOO= npm start` falls back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return result.data;
}

export const PLATFORM_VERSION = '0.1.0';
