import type { IncomingMessage } from 'node:http';
import { BodyNotUtf8Error, BodyTooLargeError, readBody } from './read-body';

/** The media types whose bodies are JSON: the GraphQL-over-HTTP ones. */
const JSON_MEDIA_TYPES = new Set(['application/json', 'application/graphql-response+json']);

/** `application/json; charset=utf-8` → `application/json`; the media type alone, lower case. */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

export interface BodyRefusal {
  status: number;
  code: string;
  message: string;
}

/**
 * A POST's body for Apollo: parsed when its Content-Type is a JSON media type,
 * else the text itself (Apollo refuses it: CSRF prevention, or "invalid
 * Content-Type"). Too large, not UTF-8, or not JSON: a refusal to send.
 */
export async function readRequestBody(req: IncomingMessage, limit: number): Promise<{ body: unknown } | { refusal: BodyRefusal }> {
  let text: string;
  try {
    text = await readBody(req, limit);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      return { refusal: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `Request bodies are limited to ${limit} bytes` } };
    }
    if (err instanceof BodyNotUtf8Error) {
      return { refusal: { status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid UTF-8' } };
    }
    throw err;
  }
  if (!JSON_MEDIA_TYPES.has(mediaType(req.headers['content-type']))) return { body: text };
  try {
    return { body: JSON.parse(text) };
  } catch {
    return { refusal: { status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON' } };
  }
}
