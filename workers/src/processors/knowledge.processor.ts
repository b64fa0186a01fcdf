/** Knowledge ingestion: thin over IngestionRunner (libs/knowledge/worker). */
import { UnrecoverableError, type Job } from 'bullmq';
import { IngestionRejectedError } from '@aivillage/knowledge/worker';
import type { WorkerContext } from '../context.js';
import type { JobHandlers } from '../processor.js';

export const knowledgeHandlers: JobHandlers<'knowledge'> = {
  'ingest-document': async (payload, job, ctx) => {
    // On the last attempt a transient failure must mark the document FAILED (nothing retries it).
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    try {
      return await ctx.knowledge().ingest(payload.documentId, finalAttempt);
    } catch (error) {
      // The document itself is the problem (no tokens, another embedding space): retrying cannot help.
      if (error instanceof IngestionRejectedError) throw new UnrecoverableError(error.message);
      throw error;
    }
  },
};

/**
 * BullMQ failed an ingestion job without our processor deciding it (the workers running it
 * died more often than maxStalledCount allows): record it on the document, which would
 * otherwise stay PROCESSING.
 */
export async function onKnowledgeJobFailed(job: Job, error: Error, ctx: WorkerContext): Promise<void> {
  if (!/stalled/i.test(error.message)) return; // our own failures are recorded by IngestionRunner
  await ctx.knowledge().fail((job.data as { documentId: string }).documentId, `the workers ingesting it stopped repeatedly (${error.message})`);
}
