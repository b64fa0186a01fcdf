/** GraphQL operations of the Profiling page (run `npm run codegen` after editing). */
import { graphql } from '@/gql';

export const profilingTargetsQuery = graphql(`
  query ProfilingTargets {
    profilingTargets {
      id
      component
      host
      pid
      queues
      lastSeenAt
      self
    }
  }
`);

export const profileArtifactFields = graphql(`
  fragment ProfileArtifactFields on ProfileArtifact {
    id
    kind
    status
    targetInstance
    targetComponent
    requestedBy
    seconds
    error
    sizeBytes
    sha256
    fileName
    downloadUrl
    createdAt
    finishedAt
  }
`);

export const profileArtifactsQuery = graphql(`
  query ProfileArtifacts($first: Int!, $after: String) {
    profileArtifacts(first: $first, after: $after) {
      nodes {
        ...ProfileArtifactFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const captureCpuProfileMutation = graphql(`
  mutation CaptureCpuProfile($target: String!, $seconds: Int!) {
    captureCpuProfile(target: $target, seconds: $seconds) {
      ...ProfileArtifactFields
    }
  }
`);

export const captureHeapSnapshotMutation = graphql(`
  mutation CaptureHeapSnapshot($target: String!) {
    captureHeapSnapshot(target: $target) {
      ...ProfileArtifactFields
    }
  }
`);
