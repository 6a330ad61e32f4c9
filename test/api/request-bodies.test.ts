import { uniqueSlug } from '../helpers/factories';
import { operation } from '../helpers/graphql';
import { TOKENS, useServers } from '../helpers/test-server';

/** A GraphQL answer as the tests read it. */
interface Answer {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * What a POST's body is taken for: JSON only under a JSON media type
 * (application/json, application/graphql-response+json, any parameters), and
 * only when its bytes are UTF-8. Anything else is refused before any SQL runs,
 * and nothing is stored.
 */
const suite = useServers(1);

async function post(body: string | Uint8Array, contentType: string) {
  const res = await fetch(suite.server.url, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${TOKENS.admin}` },
    body,
  });
  return { status: res.status, body: (await res.json()) as Answer };
}

const CREATE = (slug: string, name: string) =>
  JSON.stringify({ query: 'mutation($slug: String!, $name: String!) { createProject(slug: $slug, name: $name) { slug name } }', variables: { slug, name } });

async function projectNamed(slug: string): Promise<unknown> {
  const res = await suite.server.gql(operation<{ project: { name: string } | null }>('query($slug: String) { project(slug: $slug) { name } }'), { slug });
  return res.data?.project;
}

describe('request bodies', () => {
  it.each(['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/graphql-response+json'])(
    'under %s, the body is JSON',
    async (contentType) => {
      const slug = uniqueSlug('json');
      expect(await post(CREATE(slug, 'Zoë'), contentType)).toEqual({ status: 200, body: { data: { createProject: { slug, name: 'Zoë' } } } });
    },
  );

  it.each(['application/jsonx', 'application/x-json', 'text/json+html', 'application/octet-stream'])(
    'under %s, it is not: Apollo refuses it and nothing is stored',
    async (contentType) => {
      const slug = uniqueSlug('not-json');
      suite.server.queries.clear();
      const res = await post(CREATE(slug, 'never'), contentType);
      expect(res).toEqual({
        status: 400,
        body: { errors: [{ message: 'POST body missing, invalid Content-Type, or JSON object has no keys.', extensions: { code: 'BAD_REQUEST' } }] },
      });
      expect(suite.server.queries.statements).toEqual([]);
      expect(await projectNamed(slug)).toBeNull();
    },
  );

  it('bytes that are not UTF-8: 400 BAD_REQUEST, before any SQL, and nothing stored (not a U+FFFD in its place)', async () => {
    const slug = uniqueSlug('latin1');
    const [before, after] = CREATE(slug, 'Zo\u0000').split('\\u0000');
    const body = Buffer.concat([Buffer.from(before!), Buffer.from([0xeb]), Buffer.from(after!)]); // "Zoë" in Latin-1
    suite.server.queries.clear();
    expect(await post(body, 'application/json')).toEqual({
      status: 400,
      body: { errors: [{ message: 'The request body is not valid UTF-8', extensions: { code: 'BAD_REQUEST' } }] },
    });
    expect(suite.server.queries.statements).toEqual([]);
    expect(await projectNamed(slug)).toBeNull();
  });

  it('a truncated UTF-8 sequence at the end is refused too', async () => {
    const body = Buffer.concat([Buffer.from('{"query":"{ projects { slug } }"}'), Buffer.from([0xe2, 0x82])]);
    expect((await post(body, 'application/json')).body.errors?.[0]).toEqual({ message: 'The request body is not valid UTF-8', extensions: { code: 'BAD_REQUEST' } });
  });

  it('GET still serves queries (with the preflight header)', async () => {
    const res = await fetch(`${suite.server.url}?query=${encodeURIComponent('{ projects { slug } }')}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect({ status: res.status, errors: ((await res.json()) as Answer).errors }).toEqual({ status: 200, errors: undefined });
  });
});
