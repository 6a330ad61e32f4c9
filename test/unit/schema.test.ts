import { readFileSync } from 'node:fs';
import path from 'node:path';
import { printedSchema } from '../../src/schema';

describe('schema.graphql', () => {
  it('is what the code generates (run `npm run schema` after changing the API)', async () => {
    const committed = readFileSync(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await printedSchema());
  });
});
