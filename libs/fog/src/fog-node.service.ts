/**
 * The fog node registry over Postgres: agents register (idempotent by name within their
 * namespace, so a restarted agent keeps its node id), heartbeat with utilisation, and
 * operators cordon or drain. Status is derived at read time by `nodeStatus` (node-status.ts).
 */
import { badInput, notFound } from '@aivillage/errors';
import type { FogNode, Prisma, PrismaClient } from '@aivillage/db';
import { nodeStatus, type HeartbeatPolicy, type NodeStatusView } from './node-status.js';
import type { SchedulerNode } from './fog-node.js';

export const FOG_RUNTIMES = ['wasi', 'command'] as const;
export type FogRuntimeName = (typeof FOG_RUNTIMES)[number];

export interface RegisterFogNodeInput {
  namespace: string;
  name: string;
  cpuCores: number;
  memoryMb: number;
  gpus?: number | null;
  gpuModel?: string | null;
  runtimes?: string[] | null;
  region?: string | null;
  pool?: 'SHARED' | 'GOLD_DEDICATED' | null;
  agentVersion?: string | null;
}

export interface FogHeartbeatInput {
  cpuPercent?: number | null;
  memoryPercent?: number | null;
  runningJobs?: number | null;
  /** The agent is shutting down: no new jobs. */
  draining?: boolean | null;
}

export interface FogNodeServiceDeps {
  prisma: PrismaClient;
  heartbeat: HeartbeatPolicy;
  /** A node came (back) online or registered: capacity appeared. */
  onCapacity?: () => void | Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class FogNodeService {
  constructor(private readonly deps: FogNodeServiceDeps) {}

  status(node: Pick<FogNode, 'lastHeartbeatAt' | 'cordoned' | 'draining'>, now = Date.now()): NodeStatusView {
    return nodeStatus({ lastHeartbeatAt: node.lastHeartbeatAt?.getTime() ?? null, cordoned: node.cordoned, draining: node.draining }, now, this.deps.heartbeat);
  }

  /** The scheduler's view of a node row. */
  toSchedulerNode(n: FogNode, now = Date.now()): SchedulerNode {
    return {
      id: n.id, pool: n.pool, capacity: { cpuCores: n.cpuCores, memoryMb: n.memoryMb, gpus: n.gpus },
      runtimes: n.runtimes, status: this.status(n, now).status, cordoned: n.cordoned,
    };
  }

  async register(input: RegisterFogNodeInput): Promise<FogNode> {
    if (!NODE_NAME.test(input.name)) throw badInput('name must be 1 to 128 of letters, digits, ".", "_" and "-"', { field: 'name' });
    if (!(input.cpuCores > 0 && input.cpuCores <= 4096)) throw badInput('cpuCores must be > 0 and ≤ 4096', { field: 'cpuCores' });
    if (!Number.isInteger(input.memoryMb) || input.memoryMb < 16) throw badInput('memoryMb must be an integer ≥ 16', { field: 'memoryMb' });
    const gpus = input.gpus ?? 0;
    if (!(gpus >= 0 && gpus <= 256)) throw badInput('gpus must be 0 to 256', { field: 'gpus' });
    const runtimes = [...new Set(input.runtimes ?? ['wasi'])];
    const unknown = runtimes.filter((r) => !(FOG_RUNTIMES as readonly string[]).includes(r));
    if (runtimes.length === 0 || unknown.length) throw badInput(`runtimes must be a non-empty subset of ${FOG_RUNTIMES.join(', ')}`, { field: 'runtimes' });
    if (input.region != null && (input.region.length < 1 || input.region.length > 64)) throw badInput('region must be 1 to 64 characters', { field: 'region' });
    const ns = await this.deps.prisma.namespace.findUnique({ where: { name: input.namespace }, select: { id: true } });
    if (!ns) throw notFound('Namespace', input.namespace);
    const data = {
      cpuCores: input.cpuCores, memoryMb: input.memoryMb, gpus, gpuModel: input.gpuModel ?? null, runtimes, region: input.region ?? null,
      pool: input.pool ?? 'SHARED', agentVersion: input.agentVersion ?? null, draining: false, lastHeartbeatAt: new Date(),
    } as const;
    const node = await this.deps.prisma.fogNode.upsert({
      where: { namespaceId_name: { namespaceId: ns.id, name: input.name } },
      create: { namespaceId: ns.id, name: input.name, ...data, runtimes: [...runtimes] },
      update: { ...data, runtimes: [...runtimes] },
    });
    await this.deps.onCapacity?.();
    return node;
  }

  async heartbeat(id: string, visible: Prisma.FogNodeWhereInput, input: FogHeartbeatInput): Promise<{ node: FogNode; cancelJobIds: string[] }> {
    const before = await this.get(id, visible);
    for (const k of ['cpuPercent', 'memoryPercent'] as const) {
      const v = input[k];
      if (v != null && !(v >= 0 && v <= 100 * 1024)) throw badInput(`${k} must be ≥ 0`, { field: k });
    }
    const node = await this.deps.prisma.fogNode.update({
      where: { id },
      data: {
        lastHeartbeatAt: new Date(), draining: input.draining ?? false,
        utilisation: { cpuPercent: input.cpuPercent ?? null, memoryPercent: input.memoryPercent ?? null, runningJobs: input.runningJobs ?? null },
      },
    });
    const cancel = await this.deps.prisma.fogJob.findMany({ where: { nodeId: id, status: 'RUNNING', cancelRequested: true }, select: { id: true } });
    if (this.status(before).status !== 'ONLINE' && this.status(node).status === 'ONLINE') await this.deps.onCapacity?.();
    return { node, cancelJobIds: cancel.map((c) => c.id) };
  }

  /** Cordon (no new jobs; running ones continue) or lift it. Drain = cordon: running jobs finish, nothing new comes. */
  async setCordoned(id: string, visible: Prisma.FogNodeWhereInput, cordoned: boolean): Promise<FogNode> {
    await this.get(id, visible);
    const node = await this.deps.prisma.fogNode.update({ where: { id }, data: { cordoned } });
    if (!cordoned) await this.deps.onCapacity?.();
    return node;
  }

  async get(id: string, visible: Prisma.FogNodeWhereInput): Promise<FogNode> {
    if (!UUID.test(id)) throw notFound('FogNode', id);
    const node = await this.deps.prisma.fogNode.findFirst({ where: { AND: [{ id }, visible] } });
    if (!node) throw notFound('FogNode', id);
    return node;
  }

  async list(visible: Prisma.FogNodeWhereInput, namespace?: string | null): Promise<FogNode[]> {
    return this.deps.prisma.fogNode.findMany({
      where: { AND: [visible, namespace ? { namespace: { name: namespace } } : {}] },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: 1000,
    });
  }

  /** Running fog jobs per node id. */
  async runningCounts(ids: readonly string[]): Promise<Map<string, number>> {
    const rows = await this.deps.prisma.fogJob.groupBy({ by: ['nodeId'], where: { nodeId: { in: [...ids] }, status: { in: ['SCHEDULED', 'RUNNING'] } }, _count: { _all: true } });
    return new Map(rows.map((r) => [r.nodeId!, r._count._all]));
  }
}

