/** GraphQL operations of the SLO page (run `npm run codegen` after editing). */
import { graphql } from '@/gql';

export const sloReportQuery = graphql(`
  query SloReport($window: String) {
    sloReport(window: $window) {
      window
      from
      to
      kpis {
        key
        area
        name
        target
        unit
        value
        samples
        status
        source
        reason
      }
    }
  }
`);

export const alertFields = graphql(`
  fragment AlertFields on Alert {
    id
    kind
    severity
    subject
    message
    value
    threshold
    baseline
    status
    occurrences
    openedAt
    lastSeenAt
    acknowledgedBy
    resolvedBy
  }
`);

export const alertsQuery = graphql(`
  query SloAlerts($status: AlertStatus, $first: Int!, $after: String) {
    alerts(status: $status, first: $first, after: $after) {
      nodes {
        ...AlertFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const alertsSubscription = graphql(`
  subscription SloAlertUpdates {
    alerts {
      event
      alert {
        ...AlertFields
      }
    }
  }
`);

export const acknowledgeAlertMutation = graphql(`
  mutation AcknowledgeAlert($id: ID!) {
    acknowledgeAlert(id: $id) {
      ...AlertFields
    }
  }
`);

export const resolveAlertMutation = graphql(`
  mutation ResolveAlert($id: ID!) {
    resolveAlert(id: $id) {
      ...AlertFields
    }
  }
`);
