import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config';
import { DataDirInUseError } from '../database/data-dir-lock';
import { openDatabase } from '../database/database';
import { DatabaseStartError } from '../database/startup-errors';
import { DatabaseNotEmptyError, PROJECTS_PER_SCALE, type SeedReport, seed } from './seed';

const USAGE = `usage: npm run seed -- [--scale N] [--reset]
  Fills the server's database (DATABASE_URL, else the embedded one under DATA_DIR)
  with ${PROJECTS_PER_SCALE} x N projects, 5 plans each, 100 snapshots each, 4 images a snapshot.
  --scale N  multiply the projects by N (1 to 1000, default 1)
  --reset    delete all projects, plans, snapshots and images first`;

class UsageError extends Error {}

function parseArgs(args: string[]): { scale: number; reset: boolean } {
  let scale = 1;
  let reset = false;
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split('=', 2);
    if (flag === '--reset' && inline === undefined) reset = true;
    else if (flag === '--scale') {
      const raw = inline ?? args[++i];
      if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1000) {
        throw new UsageError(`--scale takes a whole number from 1 to 1000, got ${raw ?? 'nothing'}`);
      }
      scale = Number(raw);
    } else if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new UsageError(`unknown argument ${args[i]}`);
  }
  return { scale, reset };
}

function describe(report: SeedReport, database: string): string {
  const statuses = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([status, n]) => `${status} ${n}`)
      .join(', ');
  return [
    `seeded ${database} in ${(report.ms / 1000).toFixed(1)} s:`,
    `  ${report.projects} projects, each with a current ACTIVE snapshot`,
    `  ${report.plans} plans (one per project borrows another's images)`,
    `  ${report.snapshots} snapshots: ${statuses(report.snapshotStatuses)}`,
    `  ${report.images} images: ${statuses(report.imageStatuses)}`,
  ].join('\n');
}

/** `npm run seed`: fills the database the server would use with a realistic history. */
async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const report = await seed(database.dataSource, options);
    console.log(describe(report, database.embedded ? `the embedded database (${config.dataDir})` : 'DATABASE_URL'));
  } finally {
    await database.close();
  }
}

main().catch((err) => {
  if (err instanceof UsageError) console.error(`seed: ${err.message}\n${USAGE}`);
  else if (
    err instanceof ConfigError ||
    err instanceof DataDirInUseError ||
    err instanceof DatabaseStartError ||
    err instanceof DatabaseNotEmptyError
  ) {
    console.error(`seed: ${err.message}`);
  } else console.error('seed: failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
