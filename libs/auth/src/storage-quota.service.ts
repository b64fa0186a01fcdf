/**
 * Storage quotas per namespace, from the namespace's tier. A write reserves its bytes with
 * one conditional UPDATE, so concurrent writers on any number of instances can never push
 * a namespace past its quota; a failed or deleted write releases them.
 */
import { AppError, ErrorCode, notFound } from '@aivillage/errors';
import type { PrismaClient } from '@aivillage/db';
import { TIERS, type TierName } from './tiers.js';

export class StorageQuotaService {
  constructor(private readonly prisma: PrismaClient) {}

  /** Adds `bytes` to the namespace's usage, or throws QUOTA_EXCEEDED leaving it unchanged. */
  async reserve(namespace: string, bytes: number): Promise<{ usedBytes: bigint; quotaBytes: number | null }> {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`bytes must be a non-negative integer, got ${bytes}`);
    const ns = await this.prisma.namespace.findUnique({ where: { name: namespace }, select: { tier: true } });
    if (!ns) throw notFound('Namespace', namespace);
    const quota = TIERS[ns.tier as TierName].storageBytes;
    const rows = await this.prisma.$queryRaw<{ storage_bytes_used: bigint }[]>`
      UPDATE namespaces SET storage_bytes_used = storage_bytes_used + ${BigInt(bytes)}
       WHERE name = ${namespace}
         AND (${quota}::bigint IS NULL OR storage_bytes_used + ${BigInt(bytes)} <= ${quota}::bigint)
      RETURNING storage_bytes_used`;
    if (rows.length === 0) {
      throw new AppError(ErrorCode.QUOTA_EXCEEDED, `Namespace ${namespace} would exceed its ${ns.tier} storage quota`, {
        details: { quotaBytes: quota, requestedBytes: bytes },
      });
    }
    return { usedBytes: rows[0].storage_bytes_used, quotaBytes: quota };
  }

  async release(namespace: string, bytes: number): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE namespaces SET storage_bytes_used = GREATEST(0, storage_bytes_used - ${BigInt(bytes)}) WHERE name = ${namespace}`;
  }
}
