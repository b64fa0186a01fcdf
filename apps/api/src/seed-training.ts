/**
 * A demo training run for `npm start`: the reference Agent Forge pipeline with its default
 * settings, queued once (when `default` has no run yet). The workers `npm start` launches
 * pick it up and run it for real (about 20 s on 2 cores), so the Training page has a run
 * with curves and its models appear under Models.
 */
import type { PrismaClient } from '@aivillage/db';
import { TrainingRunService } from '@aivillage/forge';
import { publishTopic, type PlatformPubSub } from '@aivillage/pubsub';
import { createRedis, QueueSet } from '@aivillage/queues';

export async function seedDemoTrainingRun(prisma: PrismaClient, redisUrl: string, redisPrefix: string, log: (m: string) => void): Promise<void> {
  const existing = await prisma.trainingRun.count({ where: { namespace: { name: 'default' } } });
  if (existing > 0) return;
  const redis = createRedis(redisUrl, { connectionName: 'seed' });
  const queues = new QueueSet(redis, redisPrefix);
  // The seed only publishes (nobody is subscribed before the API starts).
  const pubsub: PlatformPubSub = {
    publish: (topic, payload) => void publishTopic(redis, redisPrefix, topic, payload).catch(() => undefined),
    subscribe: () => {
      throw new Error('the seed does not subscribe');
    },
  };
  try {
    const run = await new TrainingRunService({ prisma, queues, pubsub, commands: [] }).start({ namespace: 'default', name: 'demo', config: {} });
    log(`seed: queued demo training run ${run.id} (the workers run it once they start)`);
  } finally {
    await queues.close();
    await redis.quit();
  }
}
