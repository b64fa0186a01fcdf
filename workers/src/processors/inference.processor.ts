/** Inference jobs: thin over InferenceWorkerService (libs/models/runtime). */
import type { JobHandlers } from '../processor.js';

export const inferenceHandlers: JobHandlers<'inference'> = {
  'run-batch': (payload, job, ctx) => ctx.inference().runBatch(payload, job.timestamp),
};
