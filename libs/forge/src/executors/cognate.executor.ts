/** COGNATE: the model is born — architecture from the config, seeded initial weights, measured untrained. */
import { initMlp, parameterCount } from '@aivillage/training';
import type { PhaseExecutor } from '../executor.js';
import type { PhaseSettings } from '../run-config.js';
import { datasetSplit, describeArch, measureAndRegister, round, toHandoff, type WorkingModel } from './model-io.js';

export const cognateExecutor: PhaseExecutor = {
  async run(ctx) {
    const s = ctx.phaseConfig.settings as PhaseSettings<'COGNATE'>;
    const split = datasetSplit(ctx.config.splitSeed);
    const arch = { inputSize: split.train.features, hidden: [...s.hidden], classes: split.train.classes };
    const model: WorkingModel = { arch, params: initMlp(arch, s.seed), quantization: 'none' };
    const m = await measureAndRegister(ctx, model);
    return {
      summary: {
        architecture: describeArch(arch), parameters: parameterCount(arch), format: 'float32', onnxBytes: m.bytes,
        testAccuracy: round(m.testAccuracy), trainSamples: split.train.size, validationSamples: split.validation.size, testSamples: split.test.size,
        modelVersion: m.artifact.version,
      },
      output: toHandoff(model, m.artifact),
    };
  },
};
