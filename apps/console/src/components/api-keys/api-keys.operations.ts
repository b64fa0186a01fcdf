/** GraphQL operations of the API keys page (run `npm run codegen` after editing). */
import { graphql } from '@/gql';

export const apiKeysQuery = graphql(`
  query ApiKeys {
    apiKeys {
      id
      name
      prefix
      namespace
      tier
      scopes
      status
      createdAt
      lastUsedAt
      expiresAt
      revokedAt
      rateLimitPerMinute
      limits {
        tier
        requestsPerMinute
        concurrentConnections
      }
      usage {
        requestsLastMinute
        openConnections
      }
    }
  }
`);

export const apiKeyOptionsQuery = graphql(`
  query ApiKeyOptions {
    namespaces {
      id
      name
    }
    tiers {
      tier
      requestsPerMinute
      concurrentConnections
    }
  }
`);

export const createApiKeyMutation = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      secret
      apiKey {
        id
        name
        prefix
        namespace
        tier
        scopes
        status
      }
    }
  }
`);

export const revokeApiKeyMutation = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      id
      status
      revokedAt
    }
  }
`);
