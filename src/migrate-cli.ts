import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { DataDirInUseError } from './database/data-dir-lock';
import { openDatabase } from './database/database';
import { Db, sql } from './database/sql';
import { DatabaseStartError } from './database/startup-errors';

/** `npm run migrate`: applies pending migrations, says which, and exits. */
async function main(): Promise<void> {
  const database = await openDatabase(loadConfig());
  try {
    const { count } = await Db.of(database.dataSource).one(sql<{ count: number }>`SELECT count(*)::int AS count FROM typeorm_migrations`);
    const applied = database.migrationsApplied;
    console.log(
      applied.length === 0
        ? `migrations: none pending (${count} applied before)`
        : `migrations: applied ${applied.length}: ${applied.join(', ')} (${count} in all)`,
    );
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirInUseError || err instanceof DatabaseStartError) {
    console.error(`snapshot-registry: ${err.message}`);
  } else {
    console.error(`snapshot-registry: migration failed: ${err instanceof Error ? err.message : err}`);
  }
  process.exit(1);
});
