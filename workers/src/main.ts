/** The workers process: serves the queues named by WORKER_QUEUES until SIGTERM/SIGINT. */
import { ConfigError, loadConfig, workerConfigSchema } from '@aivillage/config';
import { createLogger } from '@aivillage/log';
import { createWorkerRuntime } from './runtime.js';

let config;
try {
  config = loadConfig(workerConfigSchema);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
const log = createLogger('workers', config.LOG_LEVEL);
const runtime = createWorkerRuntime(config, { log });
await runtime.start();

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'workers shutting down');
    const force = setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS + 2000);
    force.unref();
    runtime.stop().then(() => process.exit(0), (err) => { log.error({ err }, 'shutdown failed'); process.exit(1); });
  });
}
