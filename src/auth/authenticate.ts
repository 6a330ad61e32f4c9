import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError, ErrorCode } from '../errors';
import type { ApiToken } from './api-tokens';
import { ANONYMOUS, type Caller } from './caller';

export interface AuthSettings {
  apiTokens: readonly ApiToken[];
  /** Whether clients without a token may read. */
  anonymousRead: boolean;
}

/**
 * Turns an Authorization header value (`Bearer <token>`) into the caller.
 * Throws UNAUTHENTICATED for a token that matches nothing, a header that is
 * not a bearer token, or no token when anonymous reads are off.
 */
export type Authenticate = (authorization: string | null | undefined) => Caller;

const digest = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

const unauthenticated = (message: string): AppError => new AppError(ErrorCode.UNAUTHENTICATED, message);

export function createAuthenticator(settings: AuthSettings): Authenticate {
  // Compare fixed-length digests, so that timingSafeEqual always gets equal lengths
  // and the time taken says nothing about the tokens.
  const known = settings.apiTokens.map(({ role, name, token }) => ({ caller: Object.freeze({ role, name }) as Caller, digest: digest(token) }));
  return (authorization) => {
    const header = authorization?.trim() ?? '';
    if (header === '') {
      if (!settings.anonymousRead) throw unauthenticated('This server needs a token: send "Authorization: Bearer <token>"');
      return ANONYMOUS;
    }
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
    const candidate = digest(match[1]!);
    let found: Caller | null = null;
    for (const entry of known) {
      if (timingSafeEqual(candidate, entry.digest)) found = entry.caller;
    }
    if (!found) throw unauthenticated('The token matches no known token');
    return found;
  };
}

/**
 * The Authorization value of a graphql-ws connection_init payload:
 * `{ Authorization: 'Bearer ...' }` or `{ authorization: 'Bearer ...' }`.
 */
export function authorizationFromPayload(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const record = payload as Record<string, unknown>;
  const value = record.Authorization ?? record.authorization;
  return typeof value === 'string' ? value : undefined;
}
