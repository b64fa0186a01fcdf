/**
 * GraphQL operations of the Overview page. codegen turns each `graphql()` call into a typed
 * document in `src/gql/` (run `npm run codegen` after editing).
 */
import { graphql } from '@/gql';

export const platformStatusQuery = graphql(`
  query PlatformStatus {
    platformStatus {
      version
      startedAt
      uptimeSeconds
      healthy
      postgres {
        name
        ok
        latencyMs
        error
      }
      redis {
        name
        ok
        latencyMs
        error
      }
      queues {
        name
        ok
        latencyMs
        waiting
        active
        delayed
        failed
        completed
        workers
        error
      }
      workers {
        id
        host
        pid
        queues
        startedAt
        lastSeenAt
      }
    }
  }
`);

export const systemMetricsSubscription = graphql(`
  subscription SystemMetrics($intervalMs: Int!) {
    systemMetrics(intervalMs: $intervalMs) {
      timestamp
      cpuPercent
      rssBytes
      heapUsedBytes
      eventLoopLagP99Ms
      requestsPerSecond
      p95LatencyMs
      activeConnections
      instances
      queueDepths {
        queue
        waiting
        active
        delayed
      }
    }
  }
`);
