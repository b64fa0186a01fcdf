/**
 * `npm run seed`: demo data for `npm start`, idempotent (upserts), so it runs on every start.
 * Creates the `default` namespace (GOLD), a demo admin whose credentials it prints, the
 * demo models (seed-models.ts), a demo training run (seed-training.ts), a demo mesh of
 * peers (seed-peers.ts) that the demo mesh agent (peer-agent.ts) keeps alive, and State of the
 * Union addresses queued for the knowledge base (seed-knowledge.ts).
 * Domains add their demo rows here as they land.
 */
import { hashPassword } from '@aivillage/auth';
import { baseConfigSchema, loadConfig } from '@aivillage/config';
import { createPrisma } from '@aivillage/db';
import { seedDemoModels } from './seed-models.js';
import { seedDemoMesh } from './seed-peers.js';
import { seedDemoKnowledge } from './seed-knowledge.js';
import { seedDemoFog } from './seed-fog.js';
import { seedDemoTrainingRun } from './seed-training.js';

export const DEMO_ADMIN_EMAIL = process.env.DEMO_ADMIN_EMAIL ?? 'admin@aivillage.local';
const DEMO_ADMIN_PASSWORD = process.env.DEMO_ADMIN_PASSWORD ?? 'aivillage-demo-admin';

const config = loadConfig(baseConfigSchema);
const prisma = createPrisma({ url: config.DATABASE_URL, poolSize: 2, schema: config.DATABASE_SCHEMA });
try {
  await prisma.namespace.upsert({
    where: { name: 'default' },
    create: { name: 'default', description: 'The demo namespace', tier: 'GOLD' },
    update: {},
  });
  const existing = await prisma.user.findUnique({ where: { email: DEMO_ADMIN_EMAIL } });
  if (!existing) {
    await prisma.user.create({
      data: { email: DEMO_ADMIN_EMAIL, name: 'Demo admin', role: 'ADMIN', passwordHash: await hashPassword(DEMO_ADMIN_PASSWORD) },
    });
    console.log(`seed: created the demo admin — sign in as ${DEMO_ADMIN_EMAIL} / ${DEMO_ADMIN_PASSWORD}`);
  } else {
    console.log(`seed: demo admin ${DEMO_ADMIN_EMAIL} exists (password set when it was created; DEMO_ADMIN_PASSWORD, default "${DEMO_ADMIN_PASSWORD}")`);
  }
  console.log('seed: namespace "default" ready');
  await seedDemoModels(prisma, config.MODEL_ARTIFACT_DIR, (m) => console.log(m));
  await seedDemoTrainingRun(prisma, config.REDIS_URL, config.REDIS_PREFIX, (m) => console.log(m));
  await seedDemoMesh(prisma, (m) => console.log(m));
  await seedDemoKnowledge(
    prisma,
    { redisUrl: config.REDIS_URL, redisPrefix: config.REDIS_PREFIX, maxDocumentBytes: config.KNOWLEDGE_MAX_DOCUMENT_BYTES, dimension: config.KNOWLEDGE_DIMENSION },
    (m) => console.log(m),
  );
  await seedDemoFog(prisma, (m) => console.log(m));
} finally {
  await prisma.$disconnect();
}
