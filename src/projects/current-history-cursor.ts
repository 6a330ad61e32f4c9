import { badInput } from '../errors';

/**
 * A position in a project's current-snapshot history: the version of the last
 * change on the page. Opaque to clients: base64url of "h1:<version>".
 */
export function encodeHistoryCursor(version: number): string {
  return Buffer.from(`h1:${version}`).toString('base64url');
}

export function decodeHistoryCursor(value: string, argument = 'after'): number {
  const match = /^h1:([1-9]\d{0,9})$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  const version = match ? Number(match[1]) : NaN;
  if (!(version <= 2147483647) || encodeHistoryCursor(version) !== value) {
    throw badInput(`"${argument}" is not a cursor this server gave out`, argument);
  }
  return version;
}
