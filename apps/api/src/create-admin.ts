/**
 * `npm run create-admin -- --email you@example.com [--password ...] [--name ...]`
 * Makes a platform admin. Without --password it reads ADMIN_PASSWORD, or prompts on a TTY
 * (input hidden is not attempted: pipe it in when scripting).
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { AccessAdminService, Admission, AuditService, AuthService } from '@aivillage/auth';
import { baseConfigSchema, loadConfig } from '@aivillage/config';
import { createPrisma } from '@aivillage/db';
import { AppError } from '@aivillage/errors';
import { createRedis } from '@aivillage/queues';

const { values } = parseArgs({ options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } } });
if (!values.email) {
  console.error('usage: npm run create-admin -- --email you@example.com [--password ...] [--name ...]');
  process.exit(2);
}
let password = values.password ?? process.env.ADMIN_PASSWORD;
if (!password) {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  password = await rl.question('password (at least 10 characters): ');
  rl.close();
}
const config = loadConfig(baseConfigSchema);
const prisma = createPrisma({ url: config.DATABASE_URL, poolSize: 2, schema: config.DATABASE_SCHEMA });
const redis = createRedis(config.REDIS_URL);
const subscriber = createRedis(config.REDIS_URL);
try {
  const auth = new AuthService({ prisma, redis, subscriber, redisPrefix: config.REDIS_PREFIX, sessionTtlMs: 1, sessionTier: 'GOLD' });
  const admission = new Admission(redis, config.REDIS_PREFIX);
  const audit = new AuditService(prisma, (err) => console.error('audit write failed', err));
  const access = new AccessAdminService({ prisma, auth, audit, rateLimiter: admission.rates, connections: admission.connections });
  const user = await access.createUser(null, { email: values.email, password, name: values.name ?? null, role: 'ADMIN' });
  console.log(`create-admin: ${user.email} is an admin; sign in at the console`);
} catch (error) {
  console.error(`create-admin: ${error instanceof AppError ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await prisma.$disconnect();
  redis.disconnect();
  subscriber.disconnect();
}
