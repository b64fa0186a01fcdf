/**
 * Who may use the e2e run's API: the API refuses everything but its probes to anonymous
 * callers, so the run's own schema gets, before the API starts, a platform admin (the
 * browser signs in as it), the `default` namespace (GOLD) and an unlimited PLATINUM API key
 * for traffic sent from Node. Credentials are random per run and exist only in that schema.
 */
import { randomBytes } from 'node:crypto';
import { hashPassword, newApiKey } from '@aivillage/auth';
import type { IsolatedDatabase } from '@aivillage/db';

export interface Credentials {
  email: string;
  password: string;
}

export interface SeededAccess {
  admin: Credentials;
  namespace: string;
  /** `av_<prefix>_<secret>`, sent as `Authorization: Bearer <key>`. */
  trafficKey: string;
}

export async function seedAccess(db: IsolatedDatabase): Promise<SeededAccess> {
  const admin = { email: 'e2e-admin@aivillage.test', password: `e2e-${randomBytes(12).toString('hex')}` };
  const namespace = await db.prisma.namespace.create({
    data: { name: 'default', description: 'e2e namespace', tier: 'GOLD' },
  });
  await db.prisma.user.create({
    data: { email: admin.email, name: 'E2E admin', role: 'ADMIN', passwordHash: await hashPassword(admin.password) },
  });
  const { key, prefix, hash } = newApiKey();
  await db.prisma.apiKey.create({
    data: {
      name: 'e2e traffic',
      prefix,
      secretHash: hash,
      tier: 'PLATINUM',
      namespaceId: namespace.id,
      scopes: ['read', 'write', 'metrics'],
    },
  });
  return { admin, namespace: namespace.name, trafficKey: key };
}
