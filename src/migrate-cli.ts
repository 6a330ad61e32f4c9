import 'reflect-metadata';
import { loadConfig } from './config';
import { openDatabase } from './database/database';
import { Db, sql } from './database/sql';

/** `npm run migrate`: applies pending migrations and exits. */
async function main(): Promise<void> {
  const database = await openDatabase(loadConfig());
  const { count } = await Db.of(database.dataSource).one(sql<{ count: number }>`SELECT count(*)::int AS count FROM typeorm_migrations`);
  console.log(`migrations applied: ${count}`);
  await database.close();
}

main().catch((err) => {
  console.error(`snapshot-registry: migration failed: ${err.message ?? err}`);
  process.exit(1);
});
