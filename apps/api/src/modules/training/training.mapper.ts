/** Maps training rows to their GraphQL shapes. */
import type { TrainingPhaseExecution, TrainingRun } from '@aivillage/db';
import type { RunConfig } from '@aivillage/forge';
import type { TrainingPhaseExecutionType, TrainingRunType } from './training.type.js';
import { TrainingExecutor } from './training.type.js';

const EXECUTORS: Record<string, TrainingExecutor> = { builtin: TrainingExecutor.BUILTIN, command: TrainingExecutor.COMMAND, none: TrainingExecutor.SKIP };

function duration(started: Date | null, finished: Date | null): number | null {
  if (!started) return null;
  return (finished ?? new Date()).getTime() - started.getTime();
}

export function toTrainingRun(r: TrainingRun & { namespace: { name: string } }): TrainingRunType {
  return {
    id: r.id, namespaceId: r.namespaceId, namespace: r.namespace.name, name: r.name, template: r.template,
    status: r.status as TrainingRunType['status'], generation: r.generation, error: r.error, config: r.config,
    modelName: (r.config as unknown as RunConfig).modelName, createdAt: r.createdAt, startedAt: r.startedAt, finishedAt: r.finishedAt,
    durationMs: duration(r.startedAt, r.finishedAt),
  };
}

export function toTrainingPhase(p: Omit<TrainingPhaseExecution, 'output' | 'checkpoint'>): TrainingPhaseExecutionType {
  return {
    id: p.id, runId: p.runId, phase: p.phase, position: p.position,
    executor: EXECUTORS[p.executor] ?? TrainingExecutor.SKIP, status: p.status as TrainingPhaseExecutionType['status'],
    attempt: p.attempt, startedAt: p.startedAt, finishedAt: p.finishedAt,
    durationMs: p.status === 'RUNNING' || p.finishedAt ? duration(p.startedAt, p.finishedAt) : null,
    summary: p.summary, error: p.error, skipReason: p.skipReason, checkpointAt: p.checkpointAt,
  };
}
