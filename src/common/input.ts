import { badInput } from '../errors';
import { canonicalUuid } from './ids';

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** An unpaired UTF-16 surrogate: no character, so UTF-8 (and PostgreSQL) cannot hold it. */
const LONE_SURROGATE = /\p{Cs}/u;

/** A string argument checked for length and for characters PostgreSQL cannot store. */
export function text(value: string, argument: string, min: number, max: number): string {
  if (value.includes('\u0000')) throw badInput(`"${argument}" must not contain NUL characters`, argument);
  if (LONE_SURROGATE.test(value)) throw badInput(`"${argument}" must be valid Unicode (it has an unpaired surrogate)`, argument);
  const length = [...value].length;
  if (length < min || length > max) {
    throw badInput(`"${argument}" must be ${min} to ${max} characters long, got ${length}`, argument);
  }
  return value;
}

/** Control characters: C0 (NUL to U+001F), DEL and C1 (U+0080 to U+009F). */
const CONTROL = /\p{Cc}/u;

export const MAX_SCHEDULER_ID = 255;

/**
 * An id the scheduler chose, for a build or a job: 1 to 255 characters and no
 * control characters, kept exactly as given. A UUID in any form that `parseId`
 * takes is made canonical, so that its dashed and undashed forms, in any case,
 * name the same build or job.
 */
export function schedulerId(value: string, argument: string): string {
  if (CONTROL.test(value)) {
    throw badInput(`"${argument}" must not contain control characters (U+0000 to U+001F, U+007F to U+009F)`, argument);
  }
  if (LONE_SURROGATE.test(value)) throw badInput(`"${argument}" must be valid Unicode (it has an unpaired surrogate)`, argument);
  const length = [...value].length;
  if (length < 1 || length > MAX_SCHEDULER_ID) {
    throw badInput(`"${argument}" must be 1 to ${MAX_SCHEDULER_ID} characters long, got ${length}`, argument);
  }
  return canonicalUuid(value) ?? value;
}

export function slug(value: string, argument = 'slug'): string {
  if (!SLUG.test(value)) {
    throw badInput(
      `"${argument}" must be 1 to 64 characters of a-z, 0-9 and "-", starting with a letter or digit`,
      argument,
    );
  }
  return value;
}

export const MAX_PAGE = 100;

export function pageSize(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) {
    throw badInput(`"first" must be from 1 to ${MAX_PAGE}, got ${first}`, 'first');
  }
  return first;
}

/**
 * A reference to a project: its id (canonical UUID) or its slug. A slug that
 * is also a UUID (32 hex digits, or dashed) stays as given: the lookup tries
 * it as an id first, then as a slug.
 */
export function projectRef(value: string, argument = 'project'): string {
  if (SLUG.test(value)) return value;
  const id = canonicalUuid(value);
  if (id === null) throw badInput(`"${argument}" must be a project id or slug`, argument);
  return id;
}

/** A list argument of at most `max` entries, refused before any entry is looked at. */
export function atMost<T>(values: T[], argument: string, max: number, what = 'entries'): T[] {
  if (values.length > max) throw badInput(`"${argument}" may have at most ${max} ${what}, got ${values.length}`, argument);
  return values;
}
