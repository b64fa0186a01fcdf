/** The built-in executors by phase (Quiet-STaR and Tool/Persona Baking run only when bound to a command). */
import type { PhaseExecutor } from '../executor.js';
import type { TrainingPhase } from '../phases.js';
import { adasExecutor } from './adas.executor.js';
import { bitnetExecutor } from './bitnet.executor.js';
import { cognateExecutor } from './cognate.executor.js';
import { evomergeExecutor } from './evomerge.executor.js';
import { finalCompressionExecutor } from './final-compression.executor.js';
import { forgeTrainingExecutor } from './forge-training.executor.js';

export function builtinExecutors(): Partial<Record<TrainingPhase, PhaseExecutor>> {
  return {
    COGNATE: cognateExecutor,
    EVOMERGE: evomergeExecutor,
    BITNET_COMPRESSION: bitnetExecutor,
    FORGE_TRAINING: forgeTrainingExecutor,
    ADAS: adasExecutor,
    FINAL_COMPRESSION: finalCompressionExecutor,
  };
}
