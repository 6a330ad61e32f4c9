import { badInput } from '../errors';
import { canonicalUuid } from './ids';

/**
 * A position in a listing ordered by (date_created, id): the creation instant in
 * whole microseconds since the epoch (the database's precision) and the id.
 * Opaque to clients: base64url of "v1:<micros>:<id>".
 */
export interface Cursor {
  micros: string;
  id: string;
}

/**
 * The instants PostgreSQL's timestamptz can hold, in microseconds since the
 * epoch: from 4714-11-24 BC to the largest bigint (its own end, 294277 AD, is
 * beyond it). A cursor outside them is none this server gave out.
 */
export const MIN_CURSOR_MICROS = -210_866_803_200_000_000n;
export const MAX_CURSOR_MICROS = 9_223_372_036_854_775_807n;

function inRange(micros: string): boolean {
  const value = BigInt(micros);
  return value >= MIN_CURSOR_MICROS && value <= MAX_CURSOR_MICROS;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`v1:${cursor.micros}:${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string, argument = 'after'): Cursor {
  const [version, micros, rawId, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split(':');
  const id = rawId === undefined ? null : canonicalUuid(rawId);
  const valid =
    version === 'v1' && rest.length === 0 && /^-?\d{1,19}$/.test(micros ?? '') && inRange(micros!) && id !== null && id === rawId;
  if (!valid || encodeCursor({ micros: micros!, id }) !== value) {
    throw badInput(`"${argument}" is not a cursor this server gave out`, argument);
  }
  return { micros: micros!, id };
}
