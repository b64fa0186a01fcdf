/** `npm run migrate`: applies pending migrations to DATABASE_URL. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseConfigSchema, loadConfig } from '@aivillage/config';
import { migrate } from './migrate.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const config = loadConfig(baseConfigSchema);
try {
  const result = await migrate({
    databaseUrl: config.DATABASE_URL,
    schema: config.DATABASE_SCHEMA,
    migrationsDir: path.join(root, 'prisma/migrations'),
    log: (m) => console.log(`migrate: ${m}`),
  });
  console.log(`migrate: ${result.applied.length} applied, ${result.alreadyApplied} already up to date`);
} catch (error) {
  console.error(`migrate: ${(error as Error).message}`);
  process.exit(1);
}
