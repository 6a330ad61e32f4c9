import { badInput } from '../errors';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** True when `value` is a UUID, with or without dashes, in any case. */
export function isUuid(value: string): boolean {
  return UUID.test(value) && (value.length === 32 || value.length === 36);
}

/** A UUID in canonical form (lower case, dashed), or null when `value` is none. */
export function canonicalUuid(value: string): string | null {
  if (!isUuid(value)) return null;
  const hex = value.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The canonical UUID an argument names; BAD_USER_INPUT when it is not one. */
export function parseId(value: string, argument: string): string {
  const id = canonicalUuid(value);
  if (id === null) {
    throw badInput(`"${argument}" must be a UUID (32 hex digits, with or without dashes)`, argument);
  }
  return id;
}
