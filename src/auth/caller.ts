import { AppError, ErrorCode } from '../errors';
import type { Role } from './roles';

/**
 * Who sent a request: the role and the name of the token it carried, or
 * neither for an anonymous client.
 */
export interface Caller {
  readonly role: Role | null;
  /** The token's name (API_TOKENS `role:name:token`, else its role); null when anonymous. */
  readonly name: string | null;
}

export const ANONYMOUS: Caller = Object.freeze({ role: null, name: null });

/** How a caller appears in logs: its role, never its token. */
export const callerLabel = (caller: Caller): string => caller.role ?? 'anonymous';

/**
 * The actor recorded with a change: the name of the caller's token. Every
 * change needs a token, so an anonymous caller never gets this far; if one
 * did, it is refused rather than recorded without a name.
 */
export function actorOf(caller: Caller): string {
  if (caller.name === null) throw new AppError(ErrorCode.UNAUTHENTICATED, 'A change needs a token: send "Authorization: Bearer <token>"');
  return caller.name;
}
