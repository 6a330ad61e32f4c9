import { randomBytes } from 'node:crypto';
import { isRole, ROLES, type Role } from './roles';

export interface ApiToken {
  role: Role;
  /** Who the token stands for: recorded as the actor of the changes it makes. */
  name: string;
  token: string;
}

/** Shortest token accepted: 16 characters of a guessable-proof secret. */
export const MIN_TOKEN_LENGTH = 16;
const TOKEN = /^[A-Za-z0-9._~+/=-]+$/;
/** A token's name: 1 to 64 of A-Z a-z 0-9 . _ - (so never a token's ~ + / =, and no separator). */
const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses API_TOKENS: comma-separated `role:token` (named after the role) or
 * `role:name:token` entries. A name given twice as `role:name:token`, or a
 * name that is another role's, is refused: a name always says who acted.
 * Throws an Error whose message says what is wrong without repeating any
 * token (or anything that might be one).
 */
export function parseApiTokens(raw: string): ApiToken[] {
  const tokens: ApiToken[] = [];
  const seenTokens = new Set<string>();
  /** Entry number of each name given as role:name:token. */
  const namedAt = new Map<string, number>();
  const entries = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  entries.forEach((entry, index) => {
    const where = `API_TOKENS entry ${index + 1}`;
    const parts = entry.split(':').map((part) => part.trim());
    if (parts.length < 2 || parts.length > 3) throw new Error(`${where} must be role:token or role:name:token`);
    const role = parts[0]!;
    const token = parts.at(-1)!;
    if (!isRole(role)) throw new Error(`${where} has role "${role}"; roles are ${ROLES.join(', ')}`);
    let name: string = role;
    if (parts.length === 3) {
      name = parts[1]!;
      if (!NAME.test(name)) throw new Error(`${where} (${role}): a name must be 1 to 64 characters of A-Z a-z 0-9 . _ -`);
      if (isRole(name) && name !== role) {
        throw new Error(`${where} (${role}) is named "${name}", a role's name: only ${name} tokens may have it`);
      }
      const earlier = namedAt.get(name);
      if (earlier !== undefined) throw new Error(`${where} (${role}) repeats the name of entry ${earlier}`);
      namedAt.set(name, index + 1);
    }
    if (token.length < MIN_TOKEN_LENGTH || !TOKEN.test(token)) {
      throw new Error(`${where} (${role}): a token must be at least ${MIN_TOKEN_LENGTH} characters of A-Z a-z 0-9 . _ ~ + / = -`);
    }
    if (seenTokens.has(token)) throw new Error(`${where} (${role}) repeats a token given before`);
    seenTokens.add(token);
    tokens.push({ role, name, token });
  });
  if (tokens.length === 0) throw new Error('API_TOKENS is set but names no role:token pair');
  return tokens;
}

/** A fresh random token (32 characters of base64url). */
export const generateToken = (): string => randomBytes(24).toString('base64url');
