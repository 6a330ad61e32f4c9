import { text } from './input';

/** The longest reason a change may carry. */
export const MAX_REASON = 1000;

/** A reason given with a change: up to 1000 characters (no NUL), or none. */
export const optionalReason = (reason: string | null | undefined): string | null =>
  reason == null ? null : text(reason, 'reason', 0, MAX_REASON);

/** A reason a change must carry: 1 to 1000 characters (no NUL). */
export const requiredReason = (reason: string): string => text(reason, 'reason', 1, MAX_REASON);
