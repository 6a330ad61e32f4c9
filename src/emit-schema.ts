import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { printedSchema } from './schema';

/** Writes schema.graphql at the project root. */
printedSchema().then((text) => {
  const file = path.resolve(__dirname, '..', '..', 'schema.graphql');
  writeFileSync(file, text);
  console.log(`wrote ${file}`);
});
