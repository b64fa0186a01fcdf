/**
 * What crosses Redis between the API (InferenceClient) and the inference workers
 * (InferenceWorkerService), besides the job payload defined in the queue contract: each API
 * instance listens on its own reply channel, and a worker publishes one message per job
 * there with every request's result.
 */
import { AppError, ErrorCode } from '@aivillage/errors';
import type { ModelOutputs } from './tensor-json.js';

/** The pub/sub channel on which an API instance receives inference results. */
export const inferenceReplyChannel = (redisPrefix: string, instanceId: string) => `${redisPrefix}:inference:reply:${instanceId}`;

/** Epoch milliseconds with sub-millisecond precision (comparable across processes on one machine). */
export const preciseNow = () => performance.timeOrigin + performance.now();

/** Where the time went on the worker, for one request. */
export interface WorkerTimings {
  /** From the API sending the job to a worker taking it (the queue's share of the round trip). */
  queueMs: number;
  /** From the worker taking the job to publishing its results (load, batch wait, run, encoding). */
  workerMs: number;
  /** Epoch ms when the results were published (the API derives the reply leg from it). */
  publishedAt: number;
  /** How long the request waited in the dynamic batcher for company. */
  batchWaitMs: number;
  /** onnxruntime time of the run that served it. */
  runMs: number;
  /** Rows in that run, over all requests it served. */
  batchRows: number;
  /** Requests that run served. */
  batchRequests: number;
  /** Which worker process ran it. */
  worker: string;
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type InferenceResultMessage =
  | { id: string; ok: true; outputs: ModelOutputs; timings: WorkerTimings }
  | { id: string; ok: false; error: SerializedError };

export interface InferenceReplyMessage {
  results: InferenceResultMessage[];
}

/** An error as a worker reports it: AppErrors keep code, message and details; anything else is masked. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof AppError) return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
  return { code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Inference failed on the worker' };
}

export function deserializeError(e: SerializedError): AppError {
  return new AppError(e.code, e.message, e.details ? { details: e.details } : {});
}
