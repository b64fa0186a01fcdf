/**
 * Profiling requests, as the API makes them (captureCpuProfile, captureHeapSnapshot): checks
 * the input against the live fleet, records the artifact (PENDING) and sends the request to
 * the target's own control channel; the target's ProfilingAgent does the rest. Reads and
 * downloads of artifacts live here too. Access (platform admins only) is the caller's job.
 *
 * A target that dies mid-capture leaves its row PENDING or CAPTURING; reads mark such rows
 * FAILED once PROFILING_TIMEOUT_MS has passed beyond the capture's own duration, which also
 * frees the target for a new capture (one PENDING/CAPTURING row per target, a unique index).
 */
import { AppError, badInput, conflict, ErrorCode } from '@aivillage/errors';
import type { PrismaClient, ProfileArtifact } from '@aivillage/db';
import type { Redis } from 'ioredis';
import {
  profileSecondsProblem, profilingChannel, SELF_TARGET, type ProfileComponent, type ProfileKind, type ProfileRequestMessage,
} from './profiling.js';

/** A live process that can be profiled, as the fleet's heartbeats describe it. */
export interface ProfilingTarget {
  id: string;
  component: ProfileComponent;
  host: string | null;
  pid: number | null;
  /** Workers: the queues they serve. */
  queues: string[];
  /** ISO time of its last heartbeat or metrics report. */
  lastSeenAt: string;
}

/** An artifact without its bytes (what lists and polls read). */
export type ProfileArtifactMeta = Omit<ProfileArtifact, 'data'>;

export interface ProfilingServiceDeps {
  prisma: PrismaClient;
  /** Publishes requests (any non-subscriber connection). */
  redis: Redis;
  redisPrefix: string;
  /** This API instance's id (the `api` shorthand). */
  selfId: string;
  /** The live API instances and worker processes (from the fleet's heartbeats). */
  liveTargets: () => Promise<ProfilingTarget[]>;
  /** PROFILING_TIMEOUT_MS. */
  timeoutMs: number;
}

const META = {
  id: true, kind: true, status: true, targetInstance: true, targetComponent: true, requestedBy: true, seconds: true, error: true,
  sizeBytes: true, sha256: true, createdAt: true, startedAt: true, finishedAt: true,
} as const;

const ACTIVE = ['PENDING', 'CAPTURING'] as const;

export class ProfilingService {
  constructor(private readonly d: ProfilingServiceDeps) {}

  /** The instance id of the API instance this service runs in. */
  get selfId(): string {
    return this.d.selfId;
  }

  /** Live targets, this instance first. */
  async targets(): Promise<ProfilingTarget[]> {
    const all = await this.d.liveTargets();
    return [...all].sort((a, b) => Number(b.id === this.d.selfId) - Number(a.id === this.d.selfId) || a.component.localeCompare(b.component) || a.id.localeCompare(b.id));
  }

  captureCpuProfile(target: string, seconds: number, requestedBy: string): Promise<ProfileArtifactMeta> {
    const problem = profileSecondsProblem(seconds);
    if (problem) throw badInput(problem, { field: 'seconds' });
    return this.request('CPU', target, seconds, requestedBy);
  }

  captureHeapSnapshot(target: string, requestedBy: string): Promise<ProfileArtifactMeta> {
    return this.request('HEAP', target, null, requestedBy);
  }

  async get(id: string): Promise<ProfileArtifactMeta | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    await this.expireStale();
    return this.d.prisma.profileArtifact.findUnique({ where: { id: BigInt(id) }, select: META });
  }

  /** Newest first; `after` is the id of the last artifact of the previous page. */
  async list(args: { first: number; after?: string | null }): Promise<{ nodes: ProfileArtifactMeta[]; hasNextPage: boolean }> {
    if (!Number.isInteger(args.first) || args.first < 1 || args.first > 200) throw badInput('first must be from 1 to 200', { field: 'first' });
    if (args.after != null && !/^\d{1,18}$/.test(args.after)) throw badInput('after is not a cursor from this list', { field: 'after' });
    await this.expireStale();
    const rows = await this.d.prisma.profileArtifact.findMany({
      where: args.after != null ? { id: { lt: BigInt(args.after) } } : {},
      orderBy: { id: 'desc' },
      take: args.first + 1,
      select: META,
    });
    return { nodes: rows.slice(0, args.first), hasNextPage: rows.length > args.first };
  }

  /** The artifact with its gzip-compressed bytes, or null when there is no such artifact. */
  async download(id: string): Promise<ProfileArtifact | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    return this.d.prisma.profileArtifact.findUnique({ where: { id: BigInt(id) } });
  }

  private async request(kind: ProfileKind, target: string, seconds: number | null, requestedBy: string): Promise<ProfileArtifactMeta> {
    const { prisma, redis } = this.d;
    const wanted = target.trim() === SELF_TARGET ? this.d.selfId : target.trim();
    const live = (await this.d.liveTargets()).find((t) => t.id === wanted);
    if (!live) {
      throw new AppError(ErrorCode.NOT_FOUND, `No live API instance or worker process ${JSON.stringify(target)}; Query.profilingTargets lists the live ones`, {
        details: { field: 'target' },
      });
    }
    await this.expireStale();
    let row: ProfileArtifactMeta;
    try {
      row = await prisma.profileArtifact.create({
        data: { kind, targetInstance: live.id, targetComponent: live.component, requestedBy: requestedBy.slice(0, 254), seconds },
        select: META,
      });
    } catch (error) {
      if ((error as { code?: string }).code !== 'P2002') throw error;
      const busy = await prisma.profileArtifact.findFirst({ where: { targetInstance: live.id, status: { in: [...ACTIVE] } }, select: { id: true } });
      throw conflict(`${live.id} is already capturing a profile${busy ? ` (artifact ${busy.id})` : ''}; one capture at a time per process`);
    }
    const message: ProfileRequestMessage = { artifactId: String(row.id), kind, ...(seconds === null ? {} : { seconds }) };
    const receivers = await redis.publish(profilingChannel(this.d.redisPrefix, live.id), JSON.stringify(message)).catch(async (error: unknown) => {
      await prisma.profileArtifact.delete({ where: { id: row.id } }).catch(() => undefined);
      throw error;
    });
    if (receivers === 0) {
      await prisma.profileArtifact.delete({ where: { id: row.id } });
      throw new AppError(ErrorCode.SERVICE_UNAVAILABLE, `${live.id} is alive but not listening for profiling requests; try again shortly`);
    }
    return row;
  }

  /** PENDING/CAPTURING rows past their deadline become FAILED (their target stopped or restarted). */
  private async expireStale(now = Date.now()): Promise<void> {
    const active = await this.d.prisma.profileArtifact.findMany({ where: { status: { in: [...ACTIVE] } }, select: { id: true, seconds: true, createdAt: true } });
    const stale = active.filter((a) => now - a.createdAt.getTime() > (a.seconds ?? 0) * 1000 + this.d.timeoutMs).map((a) => a.id);
    if (stale.length === 0) return;
    await this.d.prisma.profileArtifact.updateMany({
      where: { id: { in: stale }, status: { in: [...ACTIVE] } },
      data: { status: 'FAILED', error: `no result within PROFILING_TIMEOUT_MS (${this.d.timeoutMs} ms) of the capture's end; the target stopped or restarted`, finishedAt: new Date() },
    });
  }
}
