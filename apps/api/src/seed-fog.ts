/**
 * Demo fog data for `npm start`: an API key for the demo fog agent (written to
 * data/demo-fog.json, not in git; scripts/run-all.mjs starts `fog-agent --key-file` with it),
 * an `echo` command template, and a few demo fog jobs across tiers, queued once (idempotent:
 * only when the demo namespace has no fog jobs yet). The agent registers itself and runs them.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { newApiKey } from '@aivillage/auth';
import { REPO_ROOT } from '@aivillage/config';
import type { PrismaClient } from '@aivillage/db';
import { busyLoop, helloWorld } from '@aivillage/fog/fixtures';

export const DEMO_FOG_FILE = path.join(REPO_ROOT, 'data/demo-fog.json');

export async function seedDemoFog(prisma: PrismaClient, log: (m: string) => void): Promise<void> {
  const ns = await prisma.namespace.findUniqueOrThrow({ where: { name: 'default' } });
  const existing = await readFile(DEMO_FOG_FILE, 'utf8').then((t) => JSON.parse(t) as { apiKey: string; prefix: string }, () => null);
  if (!existing || !(await prisma.apiKey.findUnique({ where: { prefix: existing.prefix } }))) {
    const k = newApiKey();
    await prisma.apiKey.create({ data: { name: 'demo fog agent', prefix: k.prefix, secretHash: k.hash, tier: 'GOLD', namespaceId: ns.id, scopes: ['read', 'write'] } });
    await mkdir(path.dirname(DEMO_FOG_FILE), { recursive: true });
    await writeFile(DEMO_FOG_FILE, JSON.stringify({ apiKey: k.key, prefix: k.prefix }, null, 2), { mode: 0o600 });
  }
  await prisma.fogCommandTemplate.upsert({
    where: { name: 'echo' },
    create: { name: 'echo', description: 'Prints its arguments (demo)', command: ['/bin/echo'], argPatterns: ['^[A-Za-z0-9 ._-]{1,64}$', '^[A-Za-z0-9 ._-]{1,64}$'], createdBy: 'seed' },
    update: {},
  });
  if ((await prisma.fogJob.count({ where: { namespaceId: ns.id } })) > 0) {
    log('seed: demo fog jobs exist');
    return;
  }
  const modules = [helloWorld(), busyLoop()].map((m) => ({ sha256: createHash('sha256').update(m).digest('hex'), bytes: m }));
  for (const m of modules) await prisma.fogModule.upsert({ where: { sha256: m.sha256 }, create: { sha256: m.sha256, bytes: new Uint8Array(m.bytes), sizeBytes: m.bytes.length }, update: {} });
  const jobs = [
    { name: 'hello (bronze)', tier: 'BRONZE', moduleSha256: modules[0].sha256, args: [] },
    { name: 'lcg 200M (silver)', tier: 'SILVER', moduleSha256: modules[1].sha256, args: ['200000000'] },
    { name: 'lcg 50M (gold)', tier: 'GOLD', moduleSha256: modules[1].sha256, args: ['50000000'] },
    { name: 'hello (gold)', tier: 'GOLD', moduleSha256: modules[0].sha256, args: [] },
  ] as const;
  for (const j of jobs) {
    await prisma.fogJob.create({
      data: { namespaceId: ns.id, name: j.name, runtime: 'WASI', moduleSha256: j.moduleSha256, args: [...j.args], env: {}, cpuCores: 0.5, memoryMb: 64, timeoutMs: 30_000, sla: 'A', tier: j.tier, submittedBy: 'seed' },
    });
  }
  await prisma.fogJob.create({
    data: { namespaceId: ns.id, name: 'echo (command template)', runtime: 'COMMAND', commandTemplate: 'echo', args: ['hello', 'fog'], env: {}, cpuCores: 0.25, memoryMb: 32, timeoutMs: 10_000, sla: 'B', tier: 'BRONZE', submittedBy: 'seed' },
  });
  log(`seed: ${jobs.length + 1} demo fog jobs queued (the demo fog agent runs them)`);
}
