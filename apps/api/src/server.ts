/**
 * Composes the API process: express 5 + Apollo Server 5 over HTTP and graphql-ws over
 * WebSocket, both on `/graphql` of one port, plus the plain endpoints `/healthz`,
 * `/readyz` and `/metrics`. `createApiServer` builds everything without listening, so
 * tests run the real server on port 0 with their own schema and Redis prefix.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express from 'express';
import { Kind, type FragmentDefinitionNode, type GraphQLError, type GraphQLSchema } from 'graphql';
import {
  AccessAdminService, Admission, AuditService, AuthService, StorageQuotaService, hashesEqual, sha256, type Principal,
} from '@aivillage/auth';
import type { ApiConfig } from '@aivillage/config';
import { createPrisma, pgPool, StatementStats, type PrismaClient } from '@aivillage/db';
import { ResponseCache } from '@aivillage/cache';
import { AggregatorRegistry, Counter, Gauge, Histogram } from 'prom-client';
import type { Redis } from 'ioredis';
import { createLogger, type Logger } from '@aivillage/log';
import { createHttpMetrics, createRegistry, LabelLimiter, type Registry } from '@aivillage/metrics';
import { TrainingRunService } from '@aivillage/forge';
import { MeshSimulationService, P2PRates, PeerGraphCache, PeerGraphVersions, PeerRegistryService, PeerTelemetryService } from '@aivillage/p2p';
import { FogCostService, FogJobService, FogNodeService, FogTemplateService, requestSchedulingPass } from '@aivillage/fog';
import { ArtifactStore, InferenceClient, InferenceTargets, ModelRegistryService } from '@aivillage/models';
import { liveWorkerMetrics, liveWorkers, PlatformStatusService, SystemMetricsService } from '@aivillage/platform';
import { AlertService, MetricSampler, ProfilingAgent, ProfilingService, SloService } from '@aivillage/observability/server';
import { createPlatformPubSub, type PeerEventPayload } from '@aivillage/pubsub';
import { embedderConfigFrom, lazyEmbedder } from '@aivillage/knowledge';
import {
  DocumentService, GraphSnapshots, KnowledgeCache, KnowledgeGraphService, KnowledgeNamespaces, KnowledgeSearchService,
} from '@aivillage/knowledge/store';
import { createRedis, QueueSet } from '@aivillage/queues';
import { createContext, type AppDeps, type Context, type RequestInfo } from './context.js';
import { authRoutes } from './http/auth-routes.js';
import { bodyErrorHandler } from './http/body-errors.js';
import { debugRoutes } from './http/debug-routes.js';
import { modelUploadRoutes } from './http/model-upload.routes.js';
import { profileRoutes } from './http/profiles.routes.js';
import { liveProfilingTargets } from './modules/observability/profiling.targets.js';
import { p2pRoutes } from './http/p2p.routes.js';
import { responseCachePlugin } from './http/response-cache.plugin.js';
import { requireAuth, sendError } from './http/edge-auth.js';
import { enforceOperationLimits } from './http/operation-limits.js';
import { RedisKeyValueCache } from './http/persisted-queries.js';
import { attachWebSocket } from './http/websocket.js';
import { depthLimitRule } from './http/depth-limit.js';
import { formatErrorFor } from './http/graphql-errors.js';
import { requestMetrics } from './http/request-metrics.js';
import { buildApiSchema } from './schema.js';

export interface ApiServer {
  deps: AppDeps;
  httpServer: http.Server;
  schema: GraphQLSchema;
  /** Listens on config.PORT (0 = any free port) and resolves with the base URL. */
  listen(): Promise<string>;
  /** Graceful: stop accepting, drain HTTP, close WebSockets, finish in-flight work, close clients. */
  stop(): Promise<void>;
}

export interface ApiServerOverrides {
  prisma?: PrismaClient;
  log?: Logger;
}

/** A worker counts as alive while its heartbeat is younger than this many of its periods. */
const WORKER_HEARTBEAT_GRACE = 3;

export async function createApiServer(config: ApiConfig, overrides: ApiServerOverrides = {}): Promise<ApiServer> {
  const log = overrides.log ?? createLogger('api', config.LOG_LEVEL);
  const statements = new StatementStats();
  const prisma = overrides.prisma ?? createPrisma({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, schema: config.DATABASE_SCHEMA, statements });
  const redis = createRedis(config.REDIS_URL, { connectionName: 'api' });
  const subscriber = createRedis(config.REDIS_URL, { connectionName: 'api-subscriber' });
  const queues = new QueueSet(redis, config.REDIS_PREFIX);
  const pubsub = createPlatformPubSub(redis, subscriber, config.REDIS_PREFIX);
  const registry = createRegistry('api');

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.TRUST_PROXY);
  const httpServer = http.createServer(app);
  let openConnections = 0;
  httpServer.on('connection', (socket) => {
    openConnections++;
    socket.once('close', () => openConnections--);
  });
  const httpMetrics = createHttpMetrics(registry, () => openConnections);

  const instanceId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const systemMetrics = new SystemMetricsService({
    redis,
    pubsub,
    queues,
    redisPrefix: config.REDIS_PREFIX,
    instanceId,
    periodMs: config.METRICS_SAMPLE_MS,
    activeConnections: () => openConnections,
    workerMaxAgeMs: config.WORKER_HEARTBEAT_MS * WORKER_HEARTBEAT_GRACE,
    log,
  });
  const platformStatus = new PlatformStatusService({
    prisma,
    redis,
    queues,
    redisPrefix: config.REDIS_PREFIX,
    workerMaxAgeMs: config.WORKER_HEARTBEAT_MS * WORKER_HEARTBEAT_GRACE,
  });
  // One subscriber connection for control channels (auth invalidation, cache tag versions).
  const controlSubscriber = createRedis(config.REDIS_URL, { connectionName: 'api-control-subscriber' });
  const auth = new AuthService({
    prisma, redis, subscriber: controlSubscriber, redisPrefix: config.REDIS_PREFIX,
    sessionTtlMs: config.SESSION_TTL_HOURS * 3600_000, sessionTier: config.SESSION_TIER,
  });
  await auth.whenReady();
  const audit = new AuditService(prisma, (err, entry) => log.error({ err, action: entry.action }, 'audit write failed'));
  // Admission runs on every request: its own connection with auto-pipelining, so concurrent
  // requests' EVALSHAs share socket writes instead of one syscall each.
  const edgeRedis = createRedis(config.REDIS_URL, { connectionName: 'api-edge', enableAutoPipelining: true });
  const admission = new Admission(edgeRedis, config.REDIS_PREFIX);
  const access = new AccessAdminService({ prisma, auth, audit, rateLimiter: admission.rates, connections: admission.connections });
  const storage = new StorageQuotaService(prisma);
  const cacheLookups = new Counter({
    name: 'aivillage_cache_lookups_total',
    help: 'Response cache lookups by layer (l1 in-process, l2 Redis) and result',
    labelNames: ['layer', 'result'],
    registers: [registry],
  });
  const responseCache = new ResponseCache({
    redis, subscriber: controlSubscriber, prefix: config.REDIS_PREFIX,
    onLookup: (layer, hit) => cacheLookups.inc({ layer, result: hit ? 'hit' : 'miss' }),
  });
  await responseCache.whenReady();
  const artifacts = new ArtifactStore(config.MODEL_ARTIFACT_DIR);
  const inferenceTargets = new InferenceTargets({ resolveVersion: (ns, m, sel) => models.resolveVersion(ns, m, sel) });
  const models = new ModelRegistryService({
    prisma, store: artifacts, storage,
    // What a name or alias resolves to changed: forget it here at once and on every other instance.
    onChange: (namespace, model) => {
      inferenceTargets.invalidate();
      pubsub.publish('MODEL_CHANGED', { namespace, model });
    },
  });
  const modelChanges = pubsub.subscribe('MODEL_CHANGED')[Symbol.asyncIterator]();
  void (async () => {
    for (let next = await modelChanges.next(); !next.done; next = await modelChanges.next()) inferenceTargets.invalidate();
  })().catch((err) => log.error({ err }, 'model change listener stopped'));
  const inference = createInference(config, { queues, redisPrefix: config.REDIS_PREFIX, instanceId, redis, registry, systemMetrics });
  await inference.start();
  const deps: AppDeps = {
    config, prisma, redis, queues, pubsub, log, platformStatus, systemMetrics, auth, access, audit, admission, storage, artifacts, models,
    inference, inferenceTargets,
    training: new TrainingRunService({ prisma, queues, pubsub, commands: Object.keys(config.TRAINING_COMMANDS) }),
    ...createP2P(config, { prisma, redis, queues, pubsub, registry }),
    ...createKnowledge(config, { prisma, redis, queues, pubsub, registry, storage, log }),
    ...createFog(config, { prisma, redis, queues, pubsub, log, registry }),
    slo: new SloService({ prisma, sampleIntervalMs: config.OBSERVABILITY_SAMPLE_INTERVAL_MS }),
    alerts: new AlertService({ prisma, publish: (p) => pubsub.publish('ALERTS', p), log }),
    profiling: new ProfilingService({
      prisma, redis, redisPrefix: config.REDIS_PREFIX, selfId: instanceId, timeoutMs: config.PROFILING_TIMEOUT_MS,
      liveTargets: liveProfilingTargets({
        redis, redisPrefix: config.REDIS_PREFIX, selfId: instanceId,
        apiMaxAgeMs: config.METRICS_SAMPLE_MS * WORKER_HEARTBEAT_GRACE, workerMaxAgeMs: config.WORKER_HEARTBEAT_MS * WORKER_HEARTBEAT_GRACE,
      }),
    }),
  };
  // This instance's KPI series into metric_samples (sloReport, detectors), every OBSERVABILITY_SAMPLE_INTERVAL_MS.
  const sampler = new MetricSampler({ prisma, registry, component: 'api', instance: instanceId, intervalMs: config.OBSERVABILITY_SAMPLE_INTERVAL_MS, log });
  // Captures CPU profiles / heap snapshots of this process when a profiling request addresses it.
  const profilingAgent = new ProfilingAgent({
    prisma, subscriber: controlSubscriber, redisPrefix: config.REDIS_PREFIX, instanceId, component: 'api',
    maxBytes: config.PROFILING_MAX_BYTES, retain: config.PROFILING_RETAIN, log,
  });
  await profilingAgent.start();
  const allowedOrigins = config.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  /** AUTH_DISABLED (benchmarks only, refused in production): everyone acts as this. */
  const openPrincipal: Principal | null = config.AUTH_DISABLED
    ? {
        kind: 'user', userId: '00000000-0000-0000-0000-000000000000', email: 'open@localhost', sessionId: 'open',
        role: 'ADMIN', tier: 'PLATINUM', namespaces: 'all', namespaceRoles: {}, scopes: ['read', 'write', 'metrics'],
        subject: 'open', label: 'auth disabled', requestsPerMinute: null, concurrentConnections: null, expiresAt: null,
      }
    : null;
  if (openPrincipal) log.warn('AUTH_DISABLED=true: authentication and limits are OFF (benchmark mode)');

  const schema = await buildApiSchema();
  const validationRules = [depthLimitRule(config.MAX_QUERY_DEPTH)];
  const formatError = formatErrorFor(log);

  const { wsServer, cleanup: wsCleanup } = attachWebSocket({ httpServer, schema, deps, validationRules, allowedOrigins, formatError, openPrincipal });

  const countErrors: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName, operation, document, request }) {
          contextValue.request.operation = operationName ?? undefined;
          if (openPrincipal || !operation) return;
          const fragments = Object.fromEntries(
            document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
          );
          try {
            enforceOperationLimits(contextValue.principal, operation, fragments, request.variables);
          } catch (error) {
            const p = contextValue.principal;
            const code = (error as GraphQLError).extensions?.code;
            log.info({ subject: p.subject, operation: operationName, code, reason: (error as Error).message }, 'operation refused before execution');
            if (code === 'FORBIDDEN') {
              void audit.record({
                actor: p, action: 'access.denied', outcome: 'denied', namespace: (error as GraphQLError).extensions?.namespace as string | undefined,
                details: { operation: operationName, reason: (error as Error).message }, ...contextValue.meta,
              });
            }
            throw error;
          }
        },
        async didEncounterErrors({ contextValue, errors }) {
          for (const e of errors) {
            const code = String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
            httpMetrics.graphqlErrors.inc({ operation: contextValue.request.operation ?? 'unknown', code });
          }
        },
      };
    },
  };

  const apollo = new ApolloServer<Context>({
    schema,
    validationRules,
    formatError: (_formatted, error) => formatError(error),
    includeStacktraceInErrorResponses: false,
    // main.ts owns SIGTERM/SIGINT and stops everything in order; Apollo's own handler would
    // race it (stopping Apollo first, then re-raising the signal).
    stopOnTerminationSignals: false,
    introspection: config.NODE_ENV !== 'production',
    // Automatic persisted queries, shared by every instance through Redis.
    persistedQueries: { cache: new RedisKeyValueCache(redis, `${config.REDIS_PREFIX}:apq:`), ttl: 7 * 24 * 3600 },
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.SHUTDOWN_TIMEOUT_MS }),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
      countErrors,
      responseCachePlugin(responseCache),
    ],
  });
  await apollo.start();

  const operations = new LabelLimiter();
  app.use(requestMetrics(httpMetrics, operations, systemMetrics.requests));
  const edge = openPrincipal
    ? ((_req: express.Request, res: express.Response, next: express.NextFunction) => {
        res.locals.principal = openPrincipal;
        next();
      })
    : requireAuth({ auth, admission, allowedOrigins, log });
  const corsForConsole = cors({ origin: allowedOrigins, credentials: true });
  // CORS matters only to browsers, which always send Origin on cross-origin requests; API
  // clients and servers do not, and skip the middleware.
  const corsIfBrowser: express.RequestHandler = (req, res, next) => (req.headers.origin === undefined ? next() : corsForConsole(req, res, next));
  // First, so the hot path does not walk the other routes' layers.
  app.use(
    '/graphql',
    corsIfBrowser,
    express.json({ limit: config.MAX_BODY_BYTES }),
    edge,
    expressMiddleware(apollo, {
      context: async ({ req, res }) =>
        createContext(
          deps,
          res.locals.principal as Principal,
          { ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null },
          (res.locals.requestInfo as RequestInfo) ?? {},
          log,
        ),
    }),
  );
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // `/readyz`: the whole platform can serve (Postgres, Redis, a live worker per queue).
  // `/readyz?scope=self`: this process can serve (Postgres and Redis) — what a load balancer's
  // readiness probe wants, so a worker outage does not take every API replica out of service.
  app.get('/readyz', async (req, res) => {
    const status = await platformStatus.status();
    const ready = req.query.scope === 'self' ? status.postgres.ok && status.redis.ok : status.healthy;
    res.status(ready ? 200 : 503).json({
      ready,
      scope: req.query.scope === 'self' ? 'self' : 'platform',
      postgres: status.postgres,
      redis: status.redis,
      queues: status.queues.map(({ name, ok, workers, error }) => ({ name, ok, workers, error })),
    });
  });
  const scrapeTokenHash = config.METRICS_SCRAPE_TOKEN ? sha256(config.METRICS_SCRAPE_TOKEN) : null;
  app.get(
    '/metrics',
    (req, res, next) => {
      // Prometheus presents the scrape token as a bearer token; anything else goes through the edge.
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
      if (scrapeTokenHash && bearer && hashesEqual(sha256(bearer), scrapeTokenHash)) return void next('route');
      edge(req, res, (err?: unknown) => {
        if (err) return next(err);
        const p = res.locals.principal as Principal;
        if (!p.scopes.includes('metrics')) return sendError(res, 403, 'FORBIDDEN', 'Scope "metrics" required');
        next('route');
      });
    },
  );
  app.get('/metrics', async (_req, res) => {
    // This process plus every live worker (each worker's series labelled with its id), in one
    // exposition: a single scrape target sees the whole box.
    const workers = await liveWorkerMetrics(redis, config.REDIS_PREFIX, config.WORKER_HEARTBEAT_MS * WORKER_HEARTBEAT_GRACE).catch((err) => {
      log.warn({ err }, 'could not read worker metrics');
      return [];
    });
    if (workers.length === 0) {
      res.setHeader('Content-Type', registry.contentType);
      return void res.send(await registry.metrics());
    }
    const labelled = workers.map(({ id, metrics }) =>
      (metrics as { values?: { labels?: object }[] }[]).map((m) => ({ ...m, values: m.values?.map((v) => ({ ...v, labels: { ...v.labels, worker: id } })) })),
    );
    const merged = AggregatorRegistry.aggregate([await registry.getMetricsAsJSON(), ...labelled] as Parameters<typeof AggregatorRegistry.aggregate>[0]);
    res.setHeader('Content-Type', merged.contentType);
    res.send(await merged.metrics());
  });
  app.use('/v1/debug', edge, debugRoutes({ prisma, statements, responseCache }));
  app.use('/v1/p2p', edge, p2pRoutes(deps));
  app.use('/v1/models', edge, modelUploadRoutes({ store: artifacts, maxBytes: config.MODEL_UPLOAD_MAX_BYTES, log }));
  app.use('/v1/profiles', corsIfBrowser, edge, profileRoutes({ profiling: deps.profiling, audit }));
  app.use('/v1/auth', corsForConsole, authRoutes({ auth, audit, admission, allowedOrigins, cookieSecure: config.COOKIE_SECURE, log }));
  app.use(bodyErrorHandler);
  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });

  let stopped: Promise<void> | undefined;
  return {
    deps,
    httpServer,
    schema,
    async listen() {
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.PORT, config.HOST, () => resolve());
      });
      systemMetrics.start();
      sampler.start();
      const { port } = httpServer.address() as AddressInfo;
      return `http://127.0.0.1:${port}`;
    },
    stop() {
      stopped ??= (async () => {
        await apollo.stop(); // drains HTTP and closes WebSockets (plugins above)
        wsServer.close();
        // Ended subscriptions unsubscribe from Redis in promise callbacks (graphql-yoga's event
        // target); one macrotask lets those queue their UNSUBSCRIBE before QUIT, instead of
        // failing against a closed socket after shutdown.
        await new Promise((resolve) => setImmediate(resolve));
        await inference.stop();
        await profilingAgent.stop();
        await modelChanges.return?.();
        await systemMetrics.stop();
        await queues.close();
        await Promise.allSettled([redis.quit(), subscriber.quit(), controlSubscriber.quit(), edgeRedis.quit(), inference.subscriber.quit()]);
        deps.knowledgeGraph.close();
        await sampler.stop();
        if (!overrides.prisma) await prisma.$disconnect();
      })();
      return stopped;
    },
  };
}

/**
 * The API side of inference: a client sending coalesced requests to the inference workers
 * (reply channel on its own subscriber connection), knowing whether any worker is alive
 * (checked at most once a second), and recording every outcome into Prometheus and the
 * fleet-wide inferenceMetrics window.
 */
function createInference(
  config: ApiConfig,
  d: { queues: QueueSet; redisPrefix: string; instanceId: string; redis: Redis; registry: Registry; systemMetrics: SystemMetricsService },
): InferenceClient & { subscriber: Redis } {
  const latency = new Histogram({
    name: 'aivillage_inference_latency_seconds',
    help: 'runInference end to end (queue, batching, run, reply), by model and outcome',
    labelNames: ['model', 'outcome'],
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.045, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [d.registry],
  });
  const overhead = new Histogram({
    name: 'aivillage_inference_queue_overhead_seconds',
    help: 'runInference time outside the model (queue, Redis, serialisation): end to end minus batch wait and run',
    labelNames: ['model'],
    buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
    registers: [d.registry],
  });
  let alive: { at: number; value: Promise<boolean> } | null = null;
  const hasWorkers = () => {
    const now = Date.now();
    if (!alive || now - alive.at > 1000) {
      const value = liveWorkers(d.redis, d.redisPrefix, config.WORKER_HEARTBEAT_MS * WORKER_HEARTBEAT_GRACE).then(
        (ws) => ws.some((w) => w.queues.includes('inference')),
        () => true, // Redis trouble shows up as an enqueue failure instead
      );
      alive = { at: now, value };
    }
    return alive.value;
  };
  const subscriber = createRedis(config.REDIS_URL, { connectionName: 'api-inference-replies' });
  const client = new InferenceClient({
    queues: d.queues,
    subscriber,
    redisPrefix: d.redisPrefix,
    instanceId: d.instanceId,
    timeoutMs: config.INFERENCE_TIMEOUT_MS,
    maxJobsInFlight: config.INFERENCE_MAX_JOBS_IN_FLIGHT,
    hasWorkers,
    onResult: (model, r) => {
      const label = `${model.namespace}/${model.name}`;
      latency.observe({ model: label, outcome: r.ok ? 'ok' : (r.code ?? 'error') }, r.totalMs / 1000);
      if (r.timings) overhead.observe({ model: label }, Math.max(0, r.totalMs - r.timings.batchWaitMs - r.timings.runMs) / 1000);
      d.systemMetrics.inference.record(model.namespace, model.name, r.totalMs, r.ok, r.timings?.batchRows);
    },
  });
  return Object.assign(client, { subscriber });
}

/**
 * The P2P mesh services of one API process: a graph cache that follows the namespaces' graph
 * versions in Redis, the telemetry pipeline with its Prometheus series, and the simulator front.
 */
function createP2P(
  config: ApiConfig,
  d: { prisma: PrismaClient; redis: Redis; queues: QueueSet; pubsub: ReturnType<typeof createPlatformPubSub>; registry: Registry },
): Pick<AppDeps, 'peers' | 'peerTelemetry' | 'meshSimulation'> {
  const versions = new PeerGraphVersions(d.redis, config.REDIS_PREFIX);
  const rates = new P2PRates(d.redis, config.REDIS_PREFIX);
  const graphs = new PeerGraphCache({ prisma: d.prisma, versions });
  const publish = (namespace: string, events: PeerEventPayload[]) => d.pubsub.publish('PEER_EVENTS', { namespace, events });
  const messages = new Counter({
    name: 'aivillage_p2p_messages_total',
    help: 'Signed peer messages by kind and outcome (accepted, or the reason they were refused)',
    labelNames: ['kind', 'outcome'],
    registers: [d.registry],
  });
  const latency = new Histogram({
    name: 'p2p_message_latency_seconds',
    help: 'One-hop message latency as peers measure and report it on their links',
    buckets: [0.001, 0.002, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [d.registry],
  });
  // The guide's monitoring names, read from the registry at scrape time (two aggregates).
  const mesh = async () => {
    const [row] = await d.prisma.$queryRaw<{ n: bigint; ok: number | null }[]>`
      SELECT count(*) AS n, avg(l.success_rate) AS ok FROM peer_links l
      JOIN peers a ON a.id = l.from_peer_id AND a.status = 'ONLINE' JOIN peers b ON b.id = l.to_peer_id AND b.status = 'ONLINE'`;
    return { connections: Number(row.n), successRate: row.ok };
  };
  new Gauge({
    name: 'p2p_connection_count', help: 'Directed links between ONLINE peers, as reported', registers: [d.registry],
    async collect() {
      this.set((await mesh()).connections);
    },
  });
  new Gauge({
    name: 'p2p_message_success_rate', help: 'Mean reported success rate of links between ONLINE peers (absent, not 0, without links)', registers: [d.registry],
    async collect() {
      const { successRate } = await mesh();
      // remove(), not reset(): an unlabelled gauge's reset() exposes 0, which would read as every message failing.
      if (successRate === null) this.remove();
      else this.set(successRate);
    },
  });
  const telemetry = new PeerTelemetryService({
    prisma: d.prisma, redis: d.redis, redisPrefix: config.REDIS_PREFIX, versions, rates,
    linkHistory: config.P2P_LINK_HISTORY, maxClockSkewMs: config.P2P_MAX_CLOCK_SKEW_MS, publish,
    onMessage: (kind, outcome, count) => messages.inc({ kind, outcome }, count),
    onLinkLatency: (ms) => latency.observe(ms / 1000),
  });
  return {
    peerTelemetry: telemetry,
    peers: new PeerRegistryService({ prisma: d.prisma, versions, graphs, rates, publish, onRemoved: (id) => telemetry.forget(id) }),
    meshSimulation: new MeshSimulationService({ prisma: d.prisma, queues: d.queues, maxNodes: config.P2P_MAX_SIM_NODES }),
  };
}

/**
 * Fog computing in the API: node registry, job service (submit asks the workers for an
 * immediate scheduling pass) and cost. Scheduling itself runs on workers (queue `fog`).
 */
function createFog(
  config: ApiConfig,
  d: { prisma: PrismaClient; redis: Redis; queues: QueueSet; pubsub: ReturnType<typeof createPlatformPubSub>; log: Logger; registry: Registry },
): Pick<AppDeps, 'fogNodes' | 'fogJobs' | 'fogCost' | 'fogTemplates'> {
  // The guide's job-queue KPI (< 30 s average wait): queued → started on a node.
  const queueWait = new Histogram({
    name: 'aivillage_fog_queue_wait_seconds',
    help: 'Time a fog job waited from submission until its node started it',
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 900, 3600],
    registers: [d.registry],
  });
  const wake = (reason: 'submit' | 'node' | 'finished') =>
    requestSchedulingPass({ queues: d.queues, redis: d.redis, redisPrefix: config.REDIS_PREFIX }, reason).catch((err) => d.log.warn({ err }, 'could not request a fog scheduling pass'));
  const fogNodes = new FogNodeService({
    prisma: d.prisma, heartbeat: { intervalMs: config.FOG_HEARTBEAT_MS, missedBeforeOffline: config.FOG_MISSED_HEARTBEATS }, onCapacity: () => wake('node'),
  });
  return {
    fogNodes,
    fogJobs: new FogJobService({
      prisma: d.prisma, nodes: fogNodes, publish: (p) => d.pubsub.publish('FOG_JOB_UPDATES', p), wake,
      logMaxBytes: config.FOG_LOG_MAX_BYTES, moduleMaxBytes: config.FOG_MODULE_MAX_BYTES, maxTimeoutMs: config.FOG_MAX_TIMEOUT_MS,
      onStarted: (waitMs) => queueWait.observe(waitMs / 1000),
    }),
    fogCost: new FogCostService(d.prisma),
    fogTemplates: new FogTemplateService(d.prisma),
  };
}

/**
 * Knowledge in the API: documents (ingestion queued to workers), search with its Prometheus
 * series, the graph, the per-namespace result cache they share, namespace settings and graph
 * snapshots kept in process per namespace version. Queries are embedded here with the
 * configured embedder (an ONNX model is loaded on the first query).
 */
function createKnowledge(
  config: ApiConfig,
  d: { prisma: PrismaClient; redis: Redis; queues: QueueSet; pubsub: ReturnType<typeof createPlatformPubSub>; registry: Registry; storage: StorageQuotaService; log: Logger },
): Pick<AppDeps, 'documents' | 'knowledgeSearch' | 'knowledgeGraph'> {
  const embedder = lazyEmbedder(embedderConfigFrom(config)); // a bad KNOWLEDGE_* combination fails start-up here
  const searchSeconds = new Histogram({
    name: 'aivillage_knowledge_search_seconds',
    help: 'searchKnowledge duration inside the API (cache lookup, legs, fusion), by mode',
    labelNames: ['mode'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [d.registry],
  });
  const graphSeconds = new Histogram({
    name: 'aivillage_knowledge_graph_query_seconds',
    help: 'knowledgeNeighborhood / knowledgePaths duration inside the API, by query and where the answer came from (cache, snapshot, sql)',
    labelNames: ['query', 'source', 'hops'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [d.registry],
  });
  const lookups = new Counter({
    name: 'aivillage_knowledge_cache_lookups_total',
    help: 'Knowledge result cache lookups (search and graph queries) by result',
    labelNames: ['result'],
    registers: [d.registry],
  });
  const snapshotBytes = new Gauge({
    name: 'aivillage_knowledge_graph_snapshot_bytes',
    help: 'Approximate memory of each in-process graph snapshot, by namespace id',
    labelNames: ['namespace_id'],
    registers: [d.registry],
  });
  const snapshotRelations = new Gauge({
    name: 'aivillage_knowledge_graph_snapshot_relations',
    help: 'Relations held in each in-process graph snapshot, by namespace id',
    labelNames: ['namespace_id'],
    registers: [d.registry],
  });
  const snapshotEntities = new Gauge({
    name: 'aivillage_knowledge_graph_snapshot_entities',
    help: 'Entities held in each in-process graph snapshot, by namespace id',
    labelNames: ['namespace_id'],
    registers: [d.registry],
  });
  const snapshotBuild = new Gauge({
    name: 'aivillage_knowledge_graph_snapshot_build_seconds',
    help: 'How long the current graph snapshot of each namespace took to load and index',
    labelNames: ['namespace_id'],
    registers: [d.registry],
  });
  const cache = new KnowledgeCache(d.redis, config.REDIS_PREFIX, config.KNOWLEDGE_CACHE_TTL_SECONDS, (hit) => lookups.inc({ result: hit ? 'hit' : 'miss' }));
  const namespaces = new KnowledgeNamespaces(d.prisma, cache);
  const snapshots = new GraphSnapshots({
    pool: pgPool(d.prisma),
    version: (namespaceId) => cache.version(namespaceId),
    maxRelations: config.KNOWLEDGE_GRAPH_SNAPSHOT_MAX_RELATIONS,
    onChange: (held) => {
      for (const g of [snapshotBytes, snapshotRelations, snapshotEntities, snapshotBuild]) g.reset();
      for (const s of held) {
        snapshotBytes.set({ namespace_id: s.namespaceId }, s.bytes);
        snapshotRelations.set({ namespace_id: s.namespaceId }, s.relationCount);
        snapshotEntities.set({ namespace_id: s.namespaceId }, s.entityCount);
        snapshotBuild.set({ namespace_id: s.namespaceId }, s.buildMs / 1000);
      }
    },
    onError: (namespaceId, err) => d.log.warn({ err, namespaceId }, 'knowledge graph snapshot build failed; graph queries stay on SQL'),
  });
  return {
    documents: new DocumentService({
      prisma: d.prisma, queues: d.queues, storage: d.storage, maxDocumentBytes: config.KNOWLEDGE_MAX_DOCUMENT_BYTES, dimension: config.KNOWLEDGE_DIMENSION,
      publish: (p) => d.pubsub.publish('KNOWLEDGE_INGESTION', p),
      onChanged: (namespaceId) => cache.bump(namespaceId),
    }),
    knowledgeSearch: new KnowledgeSearchService({
      prisma: d.prisma, embedder, cache, namespaces, snapshots, efSearch: config.KNOWLEDGE_HNSW_EF_SEARCH, maxScanTuples: config.KNOWLEDGE_HNSW_MAX_SCAN_TUPLES,
      exactMaxChunks: config.KNOWLEDGE_EXACT_SEARCH_MAX_CHUNKS, onSearch: (mode, seconds) => searchSeconds.observe({ mode }, seconds),
    }),
    knowledgeGraph: new KnowledgeGraphService({
      prisma: d.prisma, cache, namespaces, snapshots, maxBatch: config.KNOWLEDGE_MAX_BATCH_RELATIONS,
      onQuery: (query, seconds, _cached, source, hops) => graphSeconds.observe({ query, source, hops: String(hops) }, seconds),
    }),
  };
}
