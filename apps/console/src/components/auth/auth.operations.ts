/** GraphQL operations about the signed-in caller (run `npm run codegen` after editing). */
import { graphql } from '@/gql';

export const viewerQuery = graphql(`
  query Viewer {
    me {
      kind
      label
      role
      tier
      allNamespaces
      namespaces
      scopes
      requestsPerMinute
      limits {
        tier
        requestsPerMinute
        concurrentConnections
      }
      user {
        id
        email
        name
        role
        memberships {
          namespace
          role
        }
      }
    }
  }
`);
