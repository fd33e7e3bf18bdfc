import type { Test } from 'supertest';
import { api } from './test-env';

/** A GraphQL error as the endpoint answers it. */
export interface GraphqlError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; messages?: string[]; requestId?: string };
}

export interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: GraphqlError[];
}

/** `POST /graphql` with this operation, as a caller holding `token` (anonymous when absent). */
export function graphql(query: string, variables?: Record<string, unknown>, token?: string): Test {
  const request = api().post('/graphql').set('Accept', 'application/json').send({ query, variables });
  return token ? request.set('Authorization', `Token ${token}`) : request;
}

/** The `extensions.code` of each error of a response body. */
export function errorCodes(body: GraphqlBody): (string | undefined)[] {
  return (body.errors ?? []).map((error) => error.extensions?.code);
}
