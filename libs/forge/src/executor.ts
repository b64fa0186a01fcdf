/**
 * What a phase executor gets and gives. Executors are thin over the training math
 * (@aivillage/training) or an external program (command.executor.ts); the phase runner owns
 * state, attempts, checkpoints and progress.
 */
import type { Logger } from '@aivillage/log';
import type { EncodedLayer } from '@aivillage/training';
import type { TrainingPhase } from './phases.js';
import type { PhaseConfig, RunConfig } from './run-config.js';

/** What one phase hands the next: the model as it stands (JSON-safe; weights base64). */
export interface Handoff {
  architecture: { inputSize: number; hidden: number[]; classes: number };
  /** Per layer: row-major weight [in, out] and bias, as base64 of float32 bytes. */
  params: EncodedLayer[];
  /** `ternary` once BitNet Compression ran: later training keeps the weights ternary. */
  quantization: 'none' | 'ternary';
  /** The latest registered artifact of the model. */
  modelVersionId: string | null;
}

export interface RegisteredArtifact {
  modelVersionId: string;
  model: string;
  version: number;
  sha256: string;
  sizeBytes: number;
}

export interface PhaseContext {
  runId: string;
  phase: TrainingPhase;
  /** 1 for the first attempt; higher after a worker died mid-phase. */
  attempt: number;
  namespace: string;
  config: RunConfig;
  phaseConfig: PhaseConfig;
  log: Logger;
  /** The most recent successful phase's hand-off (null before the first). */
  input: Handoff | null;
  /** Figures of the phases that already succeeded, by phase. */
  previousSummaries: Partial<Record<TrainingPhase, Record<string, unknown>>>;
  /** True once the run was cancelled or superseded by a retry; stop at the next chance. */
  shouldStop(): boolean;
  /** Throws PhaseStoppedError when shouldStop(). */
  throwIfStopped(): void;
  /** Lets the event loop run (lock renewal, cancel polling) when the last chance was ≥ 20 ms ago. */
  breathe(): Promise<void>;
  /** Buffers one metric point; written in batches and streamed to subscribers. */
  metric(step: number, name: string, value: number): void;
  /** The checkpoint this phase saved in an earlier attempt, if any. */
  loadCheckpoint<T>(): Promise<T | null>;
  saveCheckpoint(state: unknown): Promise<void>;
  /** Registers ONNX bytes as the next version of the run's model, with lineage to this phase. */
  registerArtifact(bytes: Uint8Array, metrics: Record<string, number>): Promise<RegisteredArtifact>;
}

export interface PhaseResult {
  summary: Record<string, number | string | boolean | null>;
  output?: Handoff;
}

export interface PhaseExecutor {
  run(ctx: PhaseContext): Promise<PhaseResult>;
}

/** Thrown (by throwIfStopped) when the run was cancelled or superseded. */
export class PhaseStoppedError extends Error {
  constructor() {
    super('phase stopped: the run was cancelled or retried');
    this.name = 'PhaseStoppedError';
  }
}

/** A phase failure whose message is meant for the user as it is (e.g. a command's stderr tail). */
export class PhaseFailedError extends Error {
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'PhaseFailedError';
  }
}
