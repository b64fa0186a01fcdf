/** The API process: parse config, start, and shut down gracefully on SIGTERM/SIGINT. */
import 'reflect-metadata';
import { apiConfigSchema, ConfigError, loadConfig } from '@aivillage/config';
import { createLogger } from '@aivillage/log';
import { createApiServer } from './server.js';

let config;
try {
  config = loadConfig(apiConfigSchema);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
const log = createLogger('api', config.LOG_LEVEL);
const server = await createApiServer(config, { log });
const url = await server.listen();
log.info({ url: `${url}/graphql`, port: config.PORT }, 'api listening');

let shuttingDown = false;
// A promise nobody awaited failed: log it with its stack. Outside shutdown the process state
// is unknown, so exit and let the supervisor restart it; during shutdown, clients closing
// under in-flight work may reject, and finishing the orderly stop matters more.
process.on('unhandledRejection', (reason) => {
  log.error({ err: reason, shuttingDown }, 'unhandled promise rejection');
  if (!shuttingDown) process.exit(1);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 2000);
    force.unref();
    server.stop().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
