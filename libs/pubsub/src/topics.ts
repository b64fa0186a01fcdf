/**
 * Every live topic and its payload. Payloads are JSON-safe (ISO strings, not Dates)
 * because they cross Redis between processes.
 */
export interface QueueDepthPayload {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
}

export interface SystemMetricsPayload {
  /** ISO time the sample was published. */
  timestamp: string;
  /** CPU used by API processes, percent of one core, summed over instances. */
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Worst event-loop delay p99 among instances over the last period. */
  eventLoopLagP99Ms: number;
  requestsPerSecond: number;
  /** p95 of request durations over the last period, merged over instances (null when idle). */
  p95LatencyMs: number | null;
  activeConnections: number;
  /** API instances that reported in this period. */
  instances: number;
  queueDepths: QueueDepthPayload[];
}

/** One model's figures over the last period, merged over API instances. */
export interface InferenceModelSample {
  namespace: string;
  model: string;
  requestsPerSecond: number;
  errorsPerSecond: number;
  /** End-to-end `runInference` latency percentiles (null when idle). */
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  p99LatencyMs: number | null;
  /** Mean rows of the runs that served the period's requests. */
  averageBatchSize: number | null;
}

export interface InferenceMetricsPayload {
  timestamp: string;
  /** Live inference worker processes. */
  workers: number;
  /** Largest resident memory among them. */
  workerRssBytes: number;
  /** Models with traffic in the period. */
  models: InferenceModelSample[];
}

/** A registry write that may change what a model name or alias resolves to. */
export interface ModelChangedPayload {
  namespace: string;
  model: string;
}

/** A change in a training run, as it happens; subscribers get only what changed. */
export interface TrainingProgressPayload {
  runId: string;
  /** ISO time of the change. */
  at: string;
  kind: 'run' | 'phase' | 'metrics';
  run?: { status: string; error: string | null; generation: number };
  phase?: { phase: string; status: string; attempt: number; error: string | null; skipReason: string | null; summary: Record<string, unknown> | null };
  /** New metric points (kind `metrics`), in step order. */
  points?: { phase: string; step: number; name: string; value: number }[];
}

/** Something that happened in a namespace's P2P mesh. */
export interface PeerEventPayload {
  kind: 'REGISTERED' | 'JOINED' | 'LEFT' | 'REMOVED' | 'LINK_CHANGED';
  peerId: string;
  /** ISO time. */
  at: string;
  /** LINK_CHANGED: the link's current figures (new link, or latency/throughput/success moved ≥ 20%). */
  link?: { toPeerId: string; transport: string; latencyMs: number; throughputMbps: number; successRate: number; isNew: boolean };
}

/** The events of one write (one message batch or one sweep), per namespace: one publish, not one per event. */
export interface PeerEventsPayload {
  namespace: string;
  events: PeerEventPayload[];
}

/** A change in one fog job: status transitions and log increments (never whole logs). */
export interface FogJobUpdatePayload {
  jobId: string;
  namespace: string;
  /** ISO time. */
  at: string;
  kind: 'STATUS' | 'LOG';
  status?: string;
  nodeId?: string | null;
  attempt?: number;
  errorCode?: string | null;
  error?: string | null;
  /** LOG: the new text of one stream (after the stored cap, nothing more is sent). */
  stream?: 'STDOUT' | 'STDERR';
  text?: string;
}

/** One step of a document's ingestion (stages in order; READY and FAILED are final). */
export interface KnowledgeIngestionPayload {
  documentId: string;
  namespace: string;
  /** ISO time. */
  at: string;
  stage: 'QUEUED' | 'CHUNKING' | 'EMBEDDING' | 'EXTRACTING' | 'WRITING' | 'READY' | 'FAILED';
  /** Chunks of the document (known from CHUNKING on). */
  chunks?: number;
  /** Chunks embedded so far (EMBEDDING, one event per batch). */
  embedded?: number;
  entities?: number;
  relations?: number;
  error?: string | null;
}

/** An alert opened by a detector, or acknowledged / resolved (libs/observability). */
export interface AlertEventPayload {
  event: 'OPENED' | 'ACKNOWLEDGED' | 'RESOLVED';
  alert: {
    id: string;
    kind: 'REGRESSION' | 'MEMORY_LEAK';
    severity: 'WARNING' | 'CRITICAL';
    subject: string;
    message: string;
    value: number;
    threshold: number;
    baseline: number | null;
    status: 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';
    occurrences: number;
    /** ISO times. */
    openedAt: string;
    lastSeenAt: string;
    acknowledgedAt: string | null;
    acknowledgedBy: string | null;
    resolvedAt: string | null;
    resolvedBy: string | null;
  };
}

export interface Topics {
  SYSTEM_METRICS: SystemMetricsPayload;
  TRAINING_PROGRESS: TrainingProgressPayload;
  INFERENCE_METRICS: InferenceMetricsPayload;
  MODEL_CHANGED: ModelChangedPayload;
  PEER_EVENTS: PeerEventsPayload;
  KNOWLEDGE_INGESTION: KnowledgeIngestionPayload;
  FOG_JOB_UPDATES: FogJobUpdatePayload;
  ALERTS: AlertEventPayload;
}
export type TopicName = keyof Topics;
