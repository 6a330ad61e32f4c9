import { randomBytes } from 'node:crypto';
import { isRole, ROLES, type Role } from './roles';

export interface ApiToken {
  role: Role;
  token: string;
}

/** Shortest token accepted: 16 characters of a guessable-proof secret. */
export const MIN_TOKEN_LENGTH = 16;
const TOKEN = /^[A-Za-z0-9._~+/=-]+$/;

/**
 * Parses API_TOKENS: comma-separated `role:token` pairs. Throws an Error whose
 * message says what is wrong without repeating any token.
 */
export function parseApiTokens(raw: string): ApiToken[] {
  const tokens: ApiToken[] = [];
  const seen = new Set<string>();
  const entries = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  entries.forEach((entry, index) => {
    const where = `API_TOKENS entry ${index + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) throw new Error(`${where} must be role:token`);
    const role = entry.slice(0, colon).trim();
    const token = entry.slice(colon + 1).trim();
    if (!isRole(role)) throw new Error(`${where} has role "${role}"; roles are ${ROLES.join(', ')}`);
    if (token.length < MIN_TOKEN_LENGTH || !TOKEN.test(token)) {
      throw new Error(`${where} (${role}): a token must be at least ${MIN_TOKEN_LENGTH} characters of A-Z a-z 0-9 . _ ~ + / = -`);
    }
    if (seen.has(token)) throw new Error(`${where} (${role}) repeats a token given before`);
    seen.add(token);
    tokens.push({ role, token });
  });
  if (tokens.length === 0) throw new Error('API_TOKENS is set but names no role:token pair');
  return tokens;
}

/** A fresh random token (32 characters of base64url). */
export const generateToken = (): string => randomBytes(24).toString('base64url');
