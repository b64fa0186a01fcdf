/** GraphQL operations of the Capacity page (run `npm run codegen` after editing). */
import { graphql } from '@/gql';

export const capacityPlanQuery = graphql(`
  query CapacityPlan($input: CapacityPlanInput!) {
    capacityPlan(input: $input) {
      apiInstances {
        ...CapacityFigureFields
      }
      hpaReplicas {
        ...CapacityFigureFields
      }
      databaseMemoryGb {
        ...CapacityFigureFields
      }
      databaseCpuCores {
        ...CapacityFigureFields
      }
      databaseStorageGb {
        ...CapacityFigureFields
      }
      databaseReadReplicas {
        ...CapacityFigureFields
      }
      databaseConnections {
        ...CapacityFigureFields
      }
      inferenceWorkers {
        ...CapacityFigureFields
      }
      ingestionWorkers {
        ...CapacityFigureFields
      }
      warnings
    }
  }

  fragment CapacityFigureFields on CapacityFigure {
    key
    label
    value
    unit
    formula
    formulaSource
    inputs {
      name
      value
      unit
      source
    }
  }
`);
