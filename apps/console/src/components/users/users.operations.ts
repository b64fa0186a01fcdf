/** GraphQL operations of the Users page (ADMIN only; run `npm run codegen` after editing). */
import { graphql } from '@/gql';

export const usersQuery = graphql(`
  query Users {
    users {
      id
      email
      name
      role
      disabled
      createdAt
      memberships {
        namespace
        role
      }
    }
    namespaces {
      id
      name
    }
  }
`);

export const createUserMutation = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      id
      email
      name
      role
      disabled
    }
  }
`);

export const updateUserMutation = graphql(`
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) {
      id
      role
      disabled
    }
  }
`);

export const setMembershipMutation = graphql(`
  mutation SetMembership($userId: ID!, $namespace: String!, $role: Role) {
    setMembership(userId: $userId, namespace: $namespace, role: $role)
  }
`);
