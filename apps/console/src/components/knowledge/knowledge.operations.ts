/** GraphQL operations of the Knowledge page (run `npm run codegen` after editing). */
import { graphql } from '@/gql';

export const knowledgeNamespacesQuery = graphql(`
  query KnowledgeNamespaces {
    namespaces {
      id
      name
    }
  }
`);

export const knowledgeDocumentFields = graphql(`
  fragment KnowledgeDocumentFields on Document {
    id
    namespace
    title
    source
    status
    error
    chunkCount
    entityCount
    relationCount
    sizeBytes
    attempts
    embedder
    createdAt
    updatedAt
    processedAt
  }
`);

/** The documents list, newest first, a page at a time. */
export const knowledgeDocumentsQuery = graphql(`
  query KnowledgeDocuments($namespace: String!, $status: DocumentStatus, $first: Int!, $after: String) {
    documents(filter: { namespace: $namespace, status: $status }, first: $first, after: $after) {
      nodes {
        ...KnowledgeDocumentFields
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const ingestDocumentMutation = graphql(`
  mutation KnowledgeIngestDocument($input: IngestDocumentInput!) {
    ingestDocument(input: $input) {
      ...KnowledgeDocumentFields
    }
  }
`);

export const deleteDocumentMutation = graphql(`
  mutation KnowledgeDeleteDocument($id: ID!) {
    deleteDocument(id: $id) {
      id
      title
    }
  }
`);

/** An in-flight document's stages (QUEUED … READY / FAILED); starts with where it stands, ends after READY or FAILED. */
export const ingestionProgressSubscription = graphql(`
  subscription KnowledgeIngestionProgress($documentId: ID!) {
    ingestionProgress(documentId: $documentId) {
      documentId
      stage
      chunks
      embedded
      entities
      relations
      error
      at
    }
  }
`);

export const searchKnowledgeQuery = graphql(`
  query KnowledgeSearch($namespace: String!, $query: String!, $mode: KnowledgeSearchMode!, $topK: Int!, $minScore: Float) {
    searchKnowledge(namespace: $namespace, query: $query, mode: $mode, topK: $topK, minScore: $minScore) {
      score
      chunk {
        id
        position
        text
        tokenCount
      }
      document {
        id
        title
        source
      }
      vector {
        rank
        score
      }
      keyword {
        rank
        score
      }
      graph {
        rank
        score
      }
    }
  }
`);

export const knowledgeEntityFields = graphql(`
  fragment KnowledgeEntityFields on Entity {
    id
    key
    name
    type
  }
`);

export const knowledgeRelationFields = graphql(`
  fragment KnowledgeRelationFields on Relation {
    id
    kind
    label
    confidence
    support
    subject {
      id
    }
    object {
      id
    }
  }
`);

/** Entity lookup for the pickers. */
export const knowledgeEntitiesQuery = graphql(`
  query KnowledgeEntities($namespace: String!, $search: String!, $first: Int!) {
    knowledgeEntities(namespace: $namespace, search: $search, first: $first) {
      ...KnowledgeEntityFields
    }
  }
`);

export const knowledgeNeighborhoodQuery = graphql(`
  query KnowledgeNeighborhood($namespace: String!, $entity: String!, $hops: Int!, $limit: Int!) {
    knowledgeNeighborhood(namespace: $namespace, entity: $entity, hops: $hops, limit: $limit) {
      entity {
        ...KnowledgeEntityFields
      }
      truncated
      nodes {
        distance
        entity {
          ...KnowledgeEntityFields
        }
        parent {
          id
        }
        via {
          ...KnowledgeRelationFields
        }
      }
    }
  }
`);

export const knowledgePathsQuery = graphql(`
  query KnowledgePaths($namespace: String!, $from: String!, $to: String!, $maxHops: Int!, $limit: Int!) {
    knowledgePaths(namespace: $namespace, from: $from, to: $to, maxHops: $maxHops, limit: $limit) {
      hops
      truncated
      from {
        ...KnowledgeEntityFields
      }
      to {
        ...KnowledgeEntityFields
      }
      paths {
        entities {
          ...KnowledgeEntityFields
        }
        relations {
          ...KnowledgeRelationFields
        }
      }
    }
  }
`);
