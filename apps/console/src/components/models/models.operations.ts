/** GraphQL operations of the Models page (run `npm run codegen` after editing). */
import { graphql } from '@/gql';

export const modelsQuery = graphql(`
  query Models($namespace: String, $first: Int!, $after: String) {
    models(namespace: $namespace, first: $first, after: $after) {
      nodes {
        id
        namespace
        name
        task
        description
        tags
        updatedAt
        aliases {
          alias
          version
        }
        latestVersion {
          id
          version
          createdAt
        }
        versions {
          id
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const modelNamespacesQuery = graphql(`
  query ModelNamespaces {
    namespaces {
      id
      name
    }
  }
`);

export const modelQuery = graphql(`
  query Model($name: String!, $namespace: String!) {
    model(name: $name, namespace: $namespace) {
      id
      namespace
      name
      task
      description
      tags
      createdAt
      updatedAt
      aliases {
        alias
        version
      }
      versions {
        id
        version
        sha256
        sizeBytes
        opset
        irVersion
        producer
        parameterCount
        quantisation
        metrics
        trainingRunId
        createdAt
        aliases
        inputs {
          name
          dtype
          shape
        }
        outputs {
          name
          dtype
          shape
        }
      }
    }
  }
`);

export const setModelAliasMutation = graphql(`
  mutation SetModelAlias($model: String!, $alias: String!, $version: Int, $namespace: String!) {
    setModelAlias(model: $model, alias: $alias, version: $version, namespace: $namespace) {
      id
      aliases {
        alias
        version
      }
    }
  }
`);

export const deleteModelVersionMutation = graphql(`
  mutation DeleteModelVersion($model: String!, $version: Int!, $namespace: String!) {
    deleteModelVersion(model: $model, version: $version, namespace: $namespace) {
      id
      versions {
        id
        version
      }
    }
  }
`);

export const runInferenceMutation = graphql(`
  mutation RunInference($model: String!, $namespace: String!, $version: Int, $alias: String, $inputs: JSON!) {
    runInference(model: $model, namespace: $namespace, version: $version, alias: $alias, inputs: $inputs) {
      namespace
      model
      version
      outputs
      timings {
        totalMs
        sendMs
        queueMs
        workerMs
        batchWaitMs
        runMs
        replyMs
        overheadMs
        batchSize
        batchRequests
        worker
      }
    }
  }
`);

export const inferenceMetricsSubscription = graphql(`
  subscription InferenceMetrics($model: String!, $namespace: String!) {
    inferenceMetrics(model: $model, namespace: $namespace) {
      timestamp
      namespace
      model
      requestsPerSecond
      errorsPerSecond
      p50LatencyMs
      p95LatencyMs
      p99LatencyMs
      averageBatchSize
      workers
      workerRssBytes
    }
  }
`);
