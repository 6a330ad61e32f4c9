import type { Role } from './roles';

/** Who sent a request: the role of the token it carried, or null for an anonymous client. */
export interface Caller {
  readonly role: Role | null;
}

export const ANONYMOUS: Caller = Object.freeze({ role: null });

/** How a caller appears in logs: its role, never its token. */
export const callerLabel = (caller: Caller): string => caller.role ?? 'anonymous';
