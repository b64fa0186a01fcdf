/** GraphQL operations of the Audit log page (ADMIN only; run `npm run codegen` after editing). */
import { graphql } from '@/gql';

export const auditEventsQuery = graphql(`
  query AuditEvents($first: Int!, $after: String, $action: String) {
    auditEvents(first: $first, after: $after, action: $action) {
      nodes {
        id
        at
        actorType
        actorLabel
        action
        outcome
        targetType
        targetId
        namespace
        ip
        userAgent
        details
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
