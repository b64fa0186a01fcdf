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
import { specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { ApiConfig } from '@aivillage/config';
import { createPrisma, type PrismaClient } from '@aivillage/db';
import { createLogger, type Logger } from '@aivillage/log';
import { createHttpMetrics, createRegistry, LabelLimiter } from '@aivillage/metrics';
import { PlatformStatusService, SystemMetricsService } from '@aivillage/platform';
import { createPlatformPubSub } from '@aivillage/pubsub';
import { createRedis, QueueSet } from '@aivillage/queues';
import { createContext, type AppDeps, type Context, type RequestInfo } from './context.js';
import { bodyErrorHandler } from './http/body-errors.js';
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
  const prisma = overrides.prisma ?? createPrisma({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, schema: config.DATABASE_SCHEMA });
  const redis = createRedis(config.REDIS_URL, { connectionName: 'api' });
  const subscriber = createRedis(config.REDIS_URL, { connectionName: 'api-subscriber' });
  const queues = new QueueSet(redis, config.REDIS_PREFIX);
  const pubsub = createPlatformPubSub(redis, subscriber, config.REDIS_PREFIX);
  const registry = createRegistry('api');

  const app = express();
  app.disable('x-powered-by');
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
    log,
  });
  const platformStatus = new PlatformStatusService({
    prisma,
    redis,
    queues,
    redisPrefix: config.REDIS_PREFIX,
    workerMaxAgeMs: config.WORKER_HEARTBEAT_MS * WORKER_HEARTBEAT_GRACE,
  });
  const deps: AppDeps = { config, prisma, redis, queues, pubsub, log, platformStatus, systemMetrics };

  const schema = await buildApiSchema();
  const validationRules = [depthLimitRule(config.MAX_QUERY_DEPTH)];
  const formatError = formatErrorFor(log);

  // WebSocket: graphql-ws on the same path. A socket that sends no connection_init within
  // the window is closed with 4408; messages over the body limit are refused by ws (1009).
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: config.MAX_BODY_BYTES });
  const wsCleanup = useServer<Record<string, unknown>, { context?: Context }>(
    {
      schema,
      connectionInitWaitTimeout: config.WS_INIT_TIMEOUT_MS,
      validate: (s, document) => validate(s, document, [...specifiedRules, ...validationRules]),
      context: () => createContext(deps, {}, log),
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map(formatError) } : undefined,
      onError: (_ctx, _id, _payload, errors) => errors.map(formatError),
    },
    wsServer,
  );

  const countErrors: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operationName }) {
          contextValue.request.operation = operationName ?? undefined;
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
    introspection: true,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.SHUTDOWN_TIMEOUT_MS }),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
      countErrors,
    ],
  });
  await apollo.start();

  const operations = new LabelLimiter();
  app.use(requestMetrics(httpMetrics, operations, systemMetrics.requests));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const status = await platformStatus.status();
    res.status(status.healthy ? 200 : 503).json({
      ready: status.healthy,
      postgres: status.postgres,
      redis: status.redis,
      queues: status.queues.map(({ name, ok, workers, error }) => ({ name, ok, workers, error })),
    });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });
  app.use(
    '/graphql',
    cors({ origin: config.CORS_ORIGINS.split(',').map((o) => o.trim()), credentials: true }),
    express.json({ limit: config.MAX_BODY_BYTES }),
    expressMiddleware(apollo, {
      context: async ({ res }) => createContext(deps, (res.locals.requestInfo as RequestInfo) ?? {}, log),
    }),
  );
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
      const { port } = httpServer.address() as AddressInfo;
      return `http://127.0.0.1:${port}`;
    },
    stop() {
      stopped ??= (async () => {
        await apollo.stop(); // drains HTTP and closes WebSockets (plugins above)
        wsServer.close();
        await systemMetrics.stop();
        await queues.close();
        await Promise.allSettled([redis.quit(), subscriber.quit()]);
        if (!overrides.prisma) await prisma.$disconnect();
      })();
      return stopped;
    },
  };
}
