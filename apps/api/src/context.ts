/**
 * The per-request context, built the same way for HTTP requests and graphql-ws
 * subscriptions: process-wide dependencies plus request-scoped state (DataLoaders,
 * a child logger, and the request info the metrics layer reads back).
 */
import type { AccessAdminService, Admission, AuditService, AuthService, Principal, RequestMeta, StorageQuotaService } from '@aivillage/auth';
import type { ApiConfig } from '@aivillage/config';
import type { PrismaClient } from '@aivillage/db';
import type { Logger } from '@aivillage/log';
import type { TrainingRunService } from '@aivillage/forge';
import type { ArtifactStore, InferenceClient, InferenceTargets, ModelRegistryService } from '@aivillage/models';
import type { MeshSimulationService, PeerRegistryService, PeerTelemetryService } from '@aivillage/p2p';
import type { FogCostService, FogJobService, FogNodeService, FogTemplateService } from '@aivillage/fog';
import type { DocumentService, KnowledgeGraphService, KnowledgeSearchService } from '@aivillage/knowledge/store';
import type { PlatformStatusService, SystemMetricsService } from '@aivillage/platform';
import type { AlertService, ProfilingService, SloService } from '@aivillage/observability/server';
import type { PlatformPubSub } from '@aivillage/pubsub';
import type { QueueSet } from '@aivillage/queues';
import type { Redis } from 'ioredis';
import { createLoaders, type Loaders } from './loaders.js';

/** Process-wide dependencies, created once at start-up. */
export interface AppDeps {
  config: ApiConfig;
  prisma: PrismaClient;
  redis: Redis;
  queues: QueueSet;
  pubsub: PlatformPubSub;
  log: Logger;
  platformStatus: PlatformStatusService;
  systemMetrics: SystemMetricsService;
  auth: AuthService;
  access: AccessAdminService;
  audit: AuditService;
  admission: Admission;
  storage: StorageQuotaService;
  /** ONNX files by sha256, under MODEL_ARTIFACT_DIR. */
  artifacts: ArtifactStore;
  /** The model registry: models, versions, aliases. */
  models: ModelRegistryService;
  /** Sends runInference requests to the inference workers. */
  inference: InferenceClient;
  /** Resolves model + version/alias to a version and checks requests against its signature (cached). */
  inferenceTargets: InferenceTargets;
  /** Training runs: start, cancel, retry, reads. */
  training: TrainingRunService;
  /** The P2P mesh registry: peers, routes, status. */
  peers: PeerRegistryService;
  /** Signed heartbeats and link reports. */
  peerTelemetry: PeerTelemetryService;
  /** Mesh generation and propagation simulations (queued to workers). */
  meshSimulation: MeshSimulationService;
  /** Fog nodes: registration, heartbeats, cordon. */
  fogNodes: FogNodeService;
  /** Fog jobs: submit, cancel, reads, agent reports. */
  fogJobs: FogJobService;
  fogCost: FogCostService;
  fogTemplates: FogTemplateService;
  /** Knowledge documents: ingest (queued to workers), read, delete. */
  documents: DocumentService;
  /** searchKnowledge: vector, keyword, graph and hybrid retrieval (cached per namespace version). */
  knowledgeSearch: KnowledgeSearchService;
  /** The knowledge graph: explicit triples, neighbourhoods, paths. */
  knowledgeGraph: KnowledgeGraphService;
  /** sloReport: the guide's KPIs measured over a window (libs/observability). */
  slo: SloService;
  /** Alerts raised by the detectors: list, acknowledge, resolve. */
  alerts: AlertService;
  /** CPU profiles and heap snapshots of live processes (platform admins; libs/observability). */
  profiling: ProfilingService;
}

/** Mutable per-request facts the HTTP metrics middleware reads after the response. */
export interface RequestInfo {
  operation?: string;
  /** Subscriptions with the same key share one execution (see subscription-multicast.ts). */
  shareKey?: string;
}

export interface Context {
  readonly deps: AppDeps;
  readonly prisma: PrismaClient;
  readonly pubsub: PlatformPubSub;
  readonly log: Logger;
  readonly loaders: Loaders;
  readonly request: RequestInfo;
  /** The authenticated caller; the edge refuses requests without one. */
  readonly principal: Principal;
  /** Where the request came from, for the audit log. */
  readonly meta: RequestMeta;
}

export function createContext(
  deps: AppDeps,
  principal: Principal,
  meta: RequestMeta,
  request: RequestInfo = {},
  log: Logger = deps.log,
): Context {
  return Object.freeze({
    deps,
    principal,
    meta,
    prisma: deps.prisma,
    pubsub: deps.pubsub,
    log,
    loaders: createLoaders(deps),
    request,
  });
}
