/** GraphQL operations of the Fog page (run `npm run codegen` after editing). */
import { graphql } from '@/gql';

export const fogNamespacesQuery = graphql(`
  query FogNamespaces {
    namespaces {
      id
      name
    }
  }
`);

export const fogNodesQuery = graphql(`
  query FogNodes($namespace: String) {
    fogNodes(namespace: $namespace) {
      id
      namespace
      name
      status
      cordoned
      cpuCores
      memoryMb
      gpus
      gpuModel
      runtimes
      region
      pool
      lastHeartbeatAt
      missedHeartbeats
      heartbeatIntervalMs
      utilisation {
        cpuPercent
        memoryPercent
        runningJobs
      }
      allocated {
        cpuCores
        memoryMb
        gpus
      }
      activeJobs
      draining
      drained
    }
  }
`);

export const cordonFogNodeMutation = graphql(`
  mutation CordonFogNode($id: ID!, $cordoned: Boolean!) {
    cordonFogNode(id: $id, cordoned: $cordoned) {
      id
      status
      cordoned
    }
  }
`);

export const drainFogNodeMutation = graphql(`
  mutation DrainFogNode($id: ID!) {
    drainFogNode(id: $id) {
      id
      status
      cordoned
      draining
      drained
    }
  }
`);

/** The queue by tier: every job of the namespace counted per tier and status by the API. */
export const fogQueueSummaryQuery = graphql(`
  query FogQueueSummary($namespace: String) {
    fogQueueSummary(namespace: $namespace) {
      tier
      queued
      scheduled
      running
      succeeded
      failed
      cancelled
      timedOut
      oldestQueuedAt
    }
  }
`);

export const fogJobsQuery = graphql(`
  query FogJobs($filter: FogJobFilter, $first: Int!, $after: String) {
    fogJobs(filter: $filter, first: $first, after: $after) {
      nodes {
        id
        namespace
        name
        runtime
        template
        tier
        sla
        status
        nodeId
        attempt
        holdReason
        cpuCores
        memoryMb
        gpus
        queuedAt
        scheduledAt
        startedAt
        finishedAt
        exitCode
        errorCode
        timings {
          queueWaitMs
          totalRunMs
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const fogJobQuery = graphql(`
  query FogJob($id: ID!) {
    fogJob(id: $id) {
      id
      namespace
      name
      runtime
      moduleSha256
      template
      args
      cpuCores
      memoryMb
      gpus
      timeoutMs
      sla
      tier
      priority
      status
      nodeId
      attempt
      holdReason
      cancelRequested
      queuedAt
      scheduledAt
      startedAt
      finishedAt
      exitCode
      errorCode
      error
      stdout
      stderr
      stdoutBytes
      stderrBytes
      cpuMs
      timings {
        queueWaitMs
        allocationMs
        startupMs
        runMs
        cleanupMs
        totalRunMs
      }
    }
  }
`);

export const fogJobUpdatesSubscription = graphql(`
  subscription FogJobUpdates($jobId: ID!) {
    fogJobUpdates(jobId: $jobId) {
      jobId
      at
      kind
      status
      nodeId
      attempt
      errorCode
      error
      stream
      text
    }
  }
`);

export const cancelFogJobMutation = graphql(`
  mutation CancelFogJob($id: ID!) {
    cancelFogJob(id: $id) {
      id
      status
      cancelRequested
    }
  }
`);

export const submitFogJobMutation = graphql(`
  mutation SubmitFogJob($input: SubmitFogJobInput!) {
    submitFogJob(input: $input) {
      id
      status
      tier
    }
  }
`);

export const fogCommandTemplatesQuery = graphql(`
  query FogCommandTemplates {
    fogCommandTemplates {
      name
      description
      command
      argPatterns
    }
  }
`);

export const fogCostReportQuery = graphql(`
  query FogCostReport($namespace: String!, $from: DateTime!, $to: DateTime!) {
    fogCostReport(namespace: $namespace, from: $from, to: $to) {
      namespace
      from
      to
      records
      total {
        ...FogCostFields
      }
      byTier {
        ...FogCostFields
      }
      byDay {
        day
        total {
          ...FogCostFields
        }
      }
    }
  }

  fragment FogCostFields on FogCostSummary {
    tier
    gpuHours
    cpuCoreHours
    memoryGbHours
    totalMicros
    totalUsd
    cloudMicros
    cloudUsd
    savingMicros
    savingPercent
  }
`);

export const fogInvoiceQuery = graphql(`
  query FogInvoice($namespace: String!, $month: String!) {
    fogInvoice(namespace: $namespace, month: $month) {
      namespace
      month
      periodStart
      periodEnd
      lines {
        tier
        resource
        description
        unit
        quantity
        unitPriceMicros
        amountMicros
        cloudAmountMicros
      }
      totalMicros
      totalCents
      totalUsd
      cloudMicros
      savingMicros
      savingPercent
    }
  }
`);
