import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSchema, printedSchema } from '../../src/schema';

describe('schema.graphql', () => {
  it('is what the code generates (run `npm run schema` after changing the API)', async () => {
    const committed = readFileSync(path.join(__dirname, '..', '..', 'schema.graphql'), 'utf8');
    expect(committed).toBe(await printedSchema());
  });
});

describe('the schema served', () => {
  it('lists each field\'s arguments in the order the code declares them (introspection, the playground)', async () => {
    const schema = await createSchema();
    // The first arguments of a few fields (later ones may be added after them).
    const args = (type: 'Query' | 'Mutation', field: string, first: number) =>
      (type === 'Query' ? schema.getQueryType() : schema.getMutationType())!.getFields()[field]!.args.slice(0, first).map((a) => a.name);
    expect(args('Mutation', 'createSnapshot', 4)).toEqual(['project', 'buildId', 'revision', 'images']);
    expect(args('Mutation', 'createPlan', 4)).toEqual(['project', 'label', 'status', 'snapshotPlan']);
    expect(args('Mutation', 'createProject', 2)).toEqual(['slug', 'name']);
    expect(args('Mutation', 'changeImageStatus', 2)).toEqual(['image', 'status']);
    expect(args('Query', 'snapshots', 4)).toEqual(['project', 'state', 'first', 'after']);
    expect(args('Query', 'snapshotImage', 2)).toEqual(['plan', 'snapshot']);
  });

  it('describes every query and mutation', async () => {
    const schema = await createSchema();
    const undescribed = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) =>
      Object.values(type.getFields())
        .filter((f) => !f.description)
        .map((f) => `${type.name}.${f.name}`),
    );
    expect(undescribed).toEqual([]);
  });
});
