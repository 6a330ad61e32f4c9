import type { GqlResponse, TestServer } from './test-server';

/**
 * Asserts that a request was refused with exactly one error, and checks the
 * whole error: its message, its code, the argument it names (when the server
 * names one), and that nothing else (no stack trace, no internals) came along.
 * The field that failed must be null in `data` (or `data` null altogether).
 */
export function expectRefusal(res: GqlResponse<unknown>, code: string, message: string, argument?: string): void {
  expect({ status: res.status, errors: res.errors }).toEqual({
    status: 200,
    errors: [
      {
        message,
        locations: expect.any(Array) as unknown,
        path: expect.any(Array) as unknown,
        extensions: argument === undefined ? { code } : { code, argument },
      },
    ],
  });
  const field = res.errors![0]!.path![0]!;
  expect(res.data == null || (res.data as Record<string, unknown>)[field] === null).toBe(true);
}

/** Runs an operation and asserts its refusal (see expectRefusal). */
export async function refused(
  server: TestServer,
  query: string,
  variables: Record<string, unknown> | undefined,
  code: string,
  message: string,
  argument?: string,
): Promise<void> {
  expectRefusal(await server.gql(query, variables), code, message, argument);
}

export const badUuid = (argument: string) => `"${argument}" must be a UUID (32 hex digits, with or without dashes)`;
export const noSuch = (what: string, ref: string) => `No ${what} matches "${ref}"`;

/** A UUID in the form the seed's clients send: 32 hex digits, here upper case. */
export const undashedUpper = (id: string): string => id.replace(/-/g, '').toUpperCase();
