/**
 * `npm run seed`: demo data for `npm start`, idempotent (upserts), so it runs on every start.
 * Domains add their demo rows here as they land.
 */
import { baseConfigSchema, loadConfig } from '@aivillage/config';
import { createPrisma } from '@aivillage/db';

const config = loadConfig(baseConfigSchema);
const prisma = createPrisma({ url: config.DATABASE_URL, poolSize: 2, schema: config.DATABASE_SCHEMA });
try {
  await prisma.namespace.upsert({
    where: { name: 'default' },
    create: { name: 'default', description: 'The demo namespace' },
    update: {},
  });
  console.log('seed: namespace "default" ready');
} finally {
  await prisma.$disconnect();
}
