import type { GqlResponse, TestServer } from './test-server';

export type Variables = Record<string, unknown>;

/**
 * What an operation's data is when the caller names no type: unchecked, as
 * JSON.parse gives it. Name the shape the operation asks for instead
 * (`ok<{ project: { id: string } }>(...)`) wherever a result is read.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type UncheckedData = any;

/**
 * An operation's text that carries the shape of its data, as graphql-codegen's
 * TypedDocumentNode does: `ok(server, OP, variables)` and `server.gql(OP, ...)`
 * return that shape. It is a string still, for every helper that takes one.
 */
export type Operation<T> = string & { readonly __data?: T };
export const operation = <T>(text: string): Operation<T> => text as Operation<T>;

/** POSTs an operation with the admin token (see TestServer.gql); `T` is the shape of its data. */
export function gql<T = UncheckedData>(server: TestServer, query: Operation<T>, variables?: Variables, headers?: Record<string, string>): Promise<GqlResponse<T>> {
  return server.gql<T>(query, variables, headers);
}

/** Runs an operation that must succeed; fails the test with the errors otherwise. */
export async function ok<T = UncheckedData>(server: TestServer, query: Operation<T>, variables?: Variables): Promise<T> {
  const res = await server.gql<T>(query, variables);
  if (res.errors?.length || !res.data) throw new Error(`expected success, got ${res.status} ${JSON.stringify(res.errors)}`);
  return res.data;
}

