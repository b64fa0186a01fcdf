/**
 * The guide's worker-side gauges (Monitoring → Custom Metrics Collection):
 * - `gpu_utilization_percent{gpu}`, read from nvidia-smi at scrape time — registered only when
 *   nvidia-smi answers at start-up, so a machine without a GPU has no series at all (absent,
 *   not zero);
 * - `training_loss{phase}` / `training_accuracy{phase}`, set from the training pipeline's own
 *   metric points as they are written (the latest training-set figure of each phase).
 */
import { execFile } from 'node:child_process';
import { Gauge, type Registry } from 'prom-client';

const NVIDIA_SMI_ARGS = ['--query-gpu=index,utilization.gpu', '--format=csv,noheader,nounits'];

/** `index, utilisation` lines of nvidia-smi → per GPU; null when it cannot be run. */
export function readGpuUtilisation(command = 'nvidia-smi', timeoutMs = 2000): Promise<{ gpu: string; percent: number }[] | null> {
  return new Promise((resolve) => {
    execFile(command, NVIDIA_SMI_ARGS, { timeout: timeoutMs }, (err, stdout) => {
      if (err) return resolve(null);
      const gpus = stdout.split('\n').map((l) => l.split(',').map((s) => s.trim())).filter((p) => p.length === 2 && p[0] !== '' && Number.isFinite(Number(p[1])));
      resolve(gpus.map(([gpu, percent]) => ({ gpu, percent: Number(percent) })));
    });
  });
}

/** Registers gpu_utilization_percent when nvidia-smi works here; resolves whether it did. */
export async function registerGpuGauge(registry: Registry, command = 'nvidia-smi'): Promise<boolean> {
  const first = await readGpuUtilisation(command);
  if (!first || first.length === 0) return false;
  new Gauge({
    name: 'gpu_utilization_percent',
    help: 'GPU utilisation percentage per GPU, from nvidia-smi (absent on machines without one)',
    labelNames: ['gpu'],
    registers: [registry],
    async collect() {
      const now = await readGpuUtilisation(command);
      this.reset();
      for (const g of now ?? []) this.set({ gpu: g.gpu }, g.percent);
    },
  });
  return true;
}

/** Which guide gauge a metric point feeds: training-set loss / accuracy, not validation or test figures. */
export function trainingGaugeOf(name: string): 'training_loss' | 'training_accuracy' | null {
  if (/(validation|test|val)_/.test(name)) return null;
  if (name === 'loss' || name.endsWith('_loss')) return 'training_loss';
  if (name === 'accuracy' || name.endsWith('_accuracy')) return 'training_accuracy';
  return null;
}

/** The two training gauges; `record` takes a batch of points (in step order) as they are written. */
export function createTrainingGauges(registry: Registry): { record(points: readonly { phase: string; name: string; value: number }[]): void } {
  const loss = new Gauge({ name: 'training_loss', help: 'Latest training loss, by pipeline phase', labelNames: ['phase'], registers: [registry] });
  const accuracy = new Gauge({ name: 'training_accuracy', help: 'Latest training accuracy (0..1), by pipeline phase', labelNames: ['phase'], registers: [registry] });
  return {
    record(points) {
      for (const p of points) {
        const gauge = trainingGaugeOf(p.name);
        if (gauge && Number.isFinite(p.value)) (gauge === 'training_loss' ? loss : accuracy).set({ phase: p.phase }, p.value);
      }
    },
  };
}
