/** GraphQL operations of the Training page (run `npm run codegen` after editing). */
import { graphql } from '@/gql';

export const trainingRunsQuery = graphql(`
  query TrainingRuns($filter: TrainingRunFilter, $first: Int!, $after: String) {
    trainingRuns(filter: $filter, first: $first, after: $after) {
      nodes {
        id
        namespace
        name
        template
        status
        generation
        error
        modelName
        createdAt
        startedAt
        finishedAt
        durationMs
        phases {
          id
          phase
          status
          attempt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const trainingNamespacesQuery = graphql(`
  query TrainingNamespaces {
    namespaces {
      id
      name
    }
  }
`);

export const trainingRunQuery = graphql(`
  query TrainingRun($id: ID!, $maxPoints: Int!) {
    trainingRun(id: $id) {
      id
      namespace
      name
      template
      status
      generation
      error
      modelName
      config
      createdAt
      startedAt
      finishedAt
      durationMs
      phases {
        id
        phase
        position
        executor
        status
        attempt
        startedAt
        finishedAt
        durationMs
        summary
        error
        skipReason
        checkpointAt
        artifacts {
          id
          version
          sha256
          sizeBytes
          quantisation
          metrics
        }
      }
      metricSeries(maxPoints: $maxPoints) {
        phase
        name
        total
        points {
          step
          stepTo
          value
          min
          max
        }
      }
      artifacts {
        id
        version
        sha256
        sizeBytes
        quantisation
        metrics
        createdAt
      }
    }
  }
`);

export const startTrainingRunMutation = graphql(`
  mutation StartTrainingRun($input: StartTrainingRunInput!) {
    startTrainingRun(input: $input) {
      id
      namespace
      name
      status
      generation
    }
  }
`);

export const cancelTrainingRunMutation = graphql(`
  mutation CancelTrainingRun($id: ID!) {
    cancelTrainingRun(id: $id) {
      id
      status
      generation
      error
    }
  }
`);

export const retryTrainingPhaseMutation = graphql(`
  mutation RetryTrainingPhase($runId: ID!, $phase: TrainingPhase!) {
    retryTrainingPhase(runId: $runId, phase: $phase) {
      id
      status
      generation
      error
    }
  }
`);

export const trainingRunProgressSubscription = graphql(`
  subscription TrainingRunProgress($runId: ID!) {
    trainingRunProgress(runId: $runId) {
      runId
      at
      kind
      run {
        status
        error
        generation
      }
      phase {
        phase
        status
        attempt
        error
        skipReason
        summary
      }
      points {
        phase
        step
        name
        value
      }
    }
  }
`);

export const trainingRunConfigQuery = graphql(`
  query TrainingRunConfig($id: ID!) {
    trainingRun(id: $id) {
      id
      namespace
      name
      modelName
      config
    }
  }
`);
