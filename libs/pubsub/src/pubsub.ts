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
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  const inner = createPubSub<Record<string, [unknown]>>({ eventTarget });
  const channel = (topic: string) => `${prefix}:topic:${topic}`;
  return {
    publish(topic, payload) {
      inner.publish(channel(topic), payload);
    },
    subscribe(topic) {
      return inner.subscribe(channel(topic)) as AsyncIterable<Topics[typeof topic]>;
    },
  };
}
