/**
 * Typed pub/sub over Redis: every API instance subscribes to the same channels, so a
 * subscription works whichever replica the client reached. Channels are namespaced by
 * the deployment's Redis prefix (tests use a random one).
 */
import { createPubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';
import type { TopicName, Topics } from './topics.js';

export interface PlatformPubSub {
  publish<T extends TopicName>(topic: T, payload: Topics[T]): void;
  subscribe<T extends TopicName>(topic: T): AsyncIterable<Topics[T]>;
}

/**
 * `publishClient` may be shared; `subscribeClient` must be dedicated (a Redis connection in
 * subscriber mode can issue no other commands).
 */
export function createPlatformPubSub(publishClient: Redis, subscribeClient: Redis, prefix: string): PlatformPubSub {
  // The event target fires PUBLISH and forgets the promise: a publish racing shutdown (or a
  // Redis outage) would be an unhandled rejection. Live events are best effort — the state
  // they announce is in Postgres — so a failed publish is dropped here.
  const safePublisher = { publish: (channel: string, message: string) => publishClient.publish(channel, message).catch(() => 0) } as unknown as Redis;
  const eventTarget = createRedisEventTarget({ publishClient: safePublisher, subscribeClient });
  const inner = createPubSub<Record<string, [unknown]>>({ eventTarget });
  const channel = (topic: string) => topicChannel(prefix, topic);
  return {
    publish(topic, payload) {
      inner.publish(channel(topic), payload);
    },
    subscribe(topic) {
      return inner.subscribe(channel(topic)) as AsyncIterable<Topics[typeof topic]>;
    },
  };
}

/** The Redis channel of a topic. */
export const topicChannel = (prefix: string, topic: string) => `${prefix}:topic:${topic}`;

/**
 * Publishes on a topic from a process without a PlatformPubSub (e.g. a worker, which only
 * publishes): the same channel and JSON encoding the API's subscribers read.
 */
export async function publishTopic<T extends TopicName>(redis: Redis, prefix: string, topic: T, payload: Topics[T]): Promise<void> {
  await redis.publish(topicChannel(prefix, topic), JSON.stringify(payload));
}
