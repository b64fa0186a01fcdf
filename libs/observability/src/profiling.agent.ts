/**
 * The profiling agent every API instance and worker process runs: it listens on its own
 * control channel (profilingChannel), captures what it is asked for in this process, and
 * writes the outcome to the artifact's row itself: PENDING → CAPTURING → READY (bytes
 * gzip-compressed, with size and sha256) or FAILED (with the reason). Writing straight to
 * Postgres means nothing large crosses Redis, and the requester needs no reply channel.
 *
 * One capture at a time per process: a second request while one runs is FAILED at once
 * (the requester already refuses it with CONFLICT; this covers a request that got past an
 * expired row).
 */
import { createHash } from 'node:crypto';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { PrismaClient } from '@aivillage/db';
import type { Logger } from '@aivillage/log';
import type { Redis } from 'ioredis';
import { captureCpuProfile, captureHeapSnapshot, type CapturedProfile } from './profiling.capture.js';
import { parseProfileRequest, profilingChannel, type ProfileComponent, type ProfileRequestMessage } from './profiling.js';

const gzipAsync = promisify(gzip);

export interface ProfilingAgentDeps {
  prisma: PrismaClient;
  /** A connection in subscriber mode; shared with other control channels is fine, the agent only adds its channel. */
  subscriber: Redis;
  redisPrefix: string;
  instanceId: string;
  component: ProfileComponent;
  /** PROFILING_MAX_BYTES: largest profile (uncompressed) stored. */
  maxBytes: number;
  /** PROFILING_RETAIN: finished artifacts kept, newest first. */
  retain: number;
  log: Logger;
}

export interface PackedProfile {
  gz: Uint8Array<ArrayBuffer>;
  sizeBytes: number;
  sha256: string;
}

/** Hash (of the file as downloaded) and gzip of a captured profile. */
export async function packProfile(p: CapturedProfile): Promise<PackedProfile> {
  const hash = createHash('sha256');
  for (const c of p.chunks) hash.update(c);
  const raw = p.chunks.length === 1 ? p.chunks[0] : Buffer.concat(p.chunks, p.bytes);
  p.chunks.length = 0; // let the pieces go while the compressed copy is made
  // zlib's output is a plain (not shared) ArrayBuffer, as Prisma's Bytes wants.
  return { gz: (await gzipAsync(raw, { level: 6 })) as Uint8Array<ArrayBuffer>, sizeBytes: raw.length, sha256: hash.digest('hex') };
}

export class ProfilingAgent {
  private readonly channel: string;
  private running: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  private readonly onMessage = (channel: string, message: string) => {
    if (channel !== this.channel) return;
    const request = parseProfileRequest(message);
    if (!request) return void this.d.log.warn({ channel }, 'ignored a malformed profiling request');
    this.handle(request);
  };

  constructor(private readonly d: ProfilingAgentDeps) {
    this.channel = profilingChannel(d.redisPrefix, d.instanceId);
  }

  async start(): Promise<void> {
    this.d.subscriber.on('message', this.onMessage);
    await this.d.subscriber.subscribe(this.channel);
  }

  /** Stops listening; a CPU capture in progress ends early and is marked FAILED. */
  async stop(): Promise<void> {
    this.d.subscriber.off('message', this.onMessage);
    await this.d.subscriber.unsubscribe(this.channel).catch(() => undefined);
    this.stopping.abort();
    await this.running;
  }

  private handle(request: ProfileRequestMessage): void {
    if (this.running || this.stopping.signal.aborted) {
      void this.fail(request.artifactId, this.running ? 'this process is already capturing a profile' : 'the process is stopping', 'PENDING');
      return;
    }
    this.running = this.capture(request).finally(() => {
      this.running = null;
    });
  }

  private async capture(request: ProfileRequestMessage): Promise<void> {
    const { prisma, log, instanceId } = this.d;
    const id = BigInt(request.artifactId);
    try {
      const claimed = await prisma.profileArtifact.updateMany({
        where: { id, status: 'PENDING', targetInstance: instanceId },
        data: { status: 'CAPTURING', startedAt: new Date() },
      });
      if (claimed.count === 0) return; // expired or not ours
      const started = performance.now();
      const captured =
        request.kind === 'CPU'
          ? await captureCpuProfile(request.seconds! * 1000, { maxBytes: this.d.maxBytes, signal: this.stopping.signal })
          : await captureHeapSnapshot({ maxBytes: this.d.maxBytes });
      const packed = await packProfile(captured);
      // `status: CAPTURING` in the filter: a row the API already gave up on stays FAILED.
      await prisma.profileArtifact.updateMany({
        where: { id, status: 'CAPTURING' },
        data: { status: 'READY', data: packed.gz, sizeBytes: packed.sizeBytes, sha256: packed.sha256, finishedAt: new Date() },
      });
      log.info({ artifact: request.artifactId, kind: request.kind, bytes: packed.sizeBytes, stored: packed.gz.length, ms: Math.round(performance.now() - started) }, 'profile captured');
      await this.prune();
    } catch (error) {
      log.warn({ err: error, artifact: request.artifactId, kind: request.kind }, 'profile capture failed');
      await this.fail(request.artifactId, (error as Error).message, 'CAPTURING');
    }
  }

  private async fail(artifactId: string, reason: string, from: 'PENDING' | 'CAPTURING'): Promise<void> {
    await this.d.prisma.profileArtifact
      .updateMany({ where: { id: BigInt(artifactId), status: from }, data: { status: 'FAILED', error: reason.slice(0, 1000), finishedAt: new Date() } })
      .catch((err) => this.d.log.error({ err, artifact: artifactId }, 'could not mark a profile FAILED'));
  }

  /** Keeps the newest PROFILING_RETAIN finished artifacts. */
  private async prune(): Promise<void> {
    const { prisma, retain } = this.d;
    const old = await prisma.profileArtifact.findMany({
      where: { status: { in: ['READY', 'FAILED'] } },
      orderBy: { id: 'desc' },
      skip: retain,
      select: { id: true },
    });
    if (old.length) await prisma.profileArtifact.deleteMany({ where: { id: { in: old.map((o) => o.id) } } });
  }
}
