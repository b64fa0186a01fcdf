/** The `system` context every processor gets: the process's shared clients. */
import type { WorkerConfig } from '@aivillage/config';
import type { PrismaClient } from '@aivillage/db';
import type { Logger } from '@aivillage/log';
import type { QueueSet } from '@aivillage/queues';
import type { Redis } from 'ioredis';

export interface WorkerContext {
  config: WorkerConfig;
  prisma: PrismaClient;
  redis: Redis;
  queues: QueueSet;
  log: Logger;
}
