/**
 * The fog node registry over Postgres: agents register (idempotent by name within their
 * namespace, so a restarted agent keeps its node id), heartbeat with utilisation, and
 * operators cordon or drain. Status is derived at read time by `nodeStatus` (node-status.ts).
 *
 * Cordon: no new fog jobs; what was assigned runs. Drain: cordon, and the agent (told so in
 * its heartbeat's answer) also hands back the assignments still waiting in its queue, lets
 * the running ones finish and takes nothing new; the node is `drained` (safe to stop) once no
 * job is scheduled on or running on it. The drain flag is the `draining` column, which the
 * agent also sets itself when it shuts down; an operator's drain is `cordoned AND draining`
 * and lasts until uncordoned (a restarted agent re-registers it as a plain cordon).
 */
import { badInput, notFound } from '@aivillage/errors';
import type { FogNode, Prisma, PrismaClient } from '@aivillage/db';
import { nodeStatus, type HeartbeatPolicy, type NodeStatusView } from './node-status.js';
import type { SchedulerNode } from './fog-node.js';
import type { Resources } from './resources.js';
import { Lru } from '@aivillage/cache';

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
/** A node never changes namespace: its namespace is cached this long. */
const NODE_NAMESPACE_TTL_MS = 600_000;

/** What the node's scheduled and running fog jobs hold of it. */
export interface FogNodeAllocation extends Resources {
  /** Fog jobs SCHEDULED on or RUNNING on the node. */
  readonly jobs: number;
}

export const NO_ALLOCATION: FogNodeAllocation = { cpuCores: 0, memoryMb: 0, gpus: 0, jobs: 0 };

export class FogNodeService {
  /** A node's namespace never changes: agents' reports check access against this instead of reading the node each time. */
  private readonly namespaceOfNode = new Lru<{ namespaceId: string; namespace: string }>(10_000);

  constructor(private readonly deps: FogNodeServiceDeps) {}

  /** The node's namespace (id and name), or null when there is no such node. Cached. */
  async namespaceOf(id: string): Promise<{ namespaceId: string; namespace: string } | null> {
    if (!UUID.test(id)) return null;
    const hit = this.namespaceOfNode.get(id);
    if (hit) return hit;
    const node = await this.deps.prisma.fogNode.findUnique({ where: { id }, select: { namespaceId: true, namespace: { select: { name: true } } } });
    return node ? this.namespaceOfNode.set(id, { namespaceId: node.namespaceId, namespace: node.namespace.name }, NODE_NAMESPACE_TTL_MS) : null;
  }

  /** Whether an operator asked this node to drain (as opposed to a plain cordon, or its agent shutting down). */
  static drainRequested(node: Pick<FogNode, 'cordoned' | 'draining'>): boolean {
    return node.cordoned && node.draining;
  }

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

  /**
   * The agent's heartbeat. Answers which running jobs to cancel and whether to drain. An
   * operator's drain outlives the agent's own `draining: false`.
   */
  async heartbeat(id: string, visible: Prisma.FogNodeWhereInput, input: FogHeartbeatInput): Promise<{ node: FogNode; cancelJobIds: string[]; drain: boolean }> {
    const before = await this.get(id, visible);
    for (const k of ['cpuPercent', 'memoryPercent'] as const) {
      const v = input[k];
      if (v != null && !(v >= 0 && v <= 100 * 1024)) throw badInput(`${k} must be ≥ 0`, { field: k });
    }
    const node = await this.deps.prisma.fogNode.update({
      where: { id },
      data: {
        lastHeartbeatAt: new Date(), draining: (input.draining ?? false) || FogNodeService.drainRequested(before),
        utilisation: { cpuPercent: input.cpuPercent ?? null, memoryPercent: input.memoryPercent ?? null, runningJobs: input.runningJobs ?? null },
      },
    });
    const cancel = await this.deps.prisma.fogJob.findMany({ where: { nodeId: id, status: 'RUNNING', cancelRequested: true }, select: { id: true } });
    if (this.status(before).status !== 'ONLINE' && this.status(node).status === 'ONLINE') await this.deps.onCapacity?.();
    return { node, cancelJobIds: cancel.map((c) => c.id), drain: FogNodeService.drainRequested(node) };
  }

  /** Cordon (no new jobs; running and already assigned ones continue) or lift it; lifting it also ends a drain. */
  async setCordoned(id: string, visible: Prisma.FogNodeWhereInput, cordoned: boolean): Promise<FogNode> {
    await this.get(id, visible);
    const node = await this.deps.prisma.fogNode.update({ where: { id }, data: cordoned ? { cordoned } : { cordoned, draining: false } });
    if (!cordoned) await this.deps.onCapacity?.();
    return node;
  }

  /** Drain: cordon, and the agent hands back what waits in its queue and finishes what runs (see the header). */
  async drain(id: string, visible: Prisma.FogNodeWhereInput): Promise<FogNode> {
    await this.get(id, visible);
    return this.deps.prisma.fogNode.update({ where: { id }, data: { cordoned: true, draining: true } });
  }

  /** Resources held by SCHEDULED and RUNNING fog jobs per node id (absent: nothing). */
  async allocations(ids: readonly string[]): Promise<Map<string, FogNodeAllocation>> {
    if (ids.length === 0) return new Map();
    const rows = await this.deps.prisma.fogJob.groupBy({
      by: ['nodeId'], where: { nodeId: { in: [...ids] }, status: { in: ['SCHEDULED', 'RUNNING'] } }, _count: { _all: true }, _sum: { cpuCores: true, memoryMb: true, gpus: true },
    });
    return new Map(rows.map((r) => [r.nodeId!, { cpuCores: r._sum.cpuCores ?? 0, memoryMb: r._sum.memoryMb ?? 0, gpus: r._sum.gpus ?? 0, jobs: r._count._all }]));
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

}

