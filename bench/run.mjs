/*
 * `npm run bench`: the snapshot registry against the floor (bench/floor-server.mjs)
 * and PostGraphile v5 (bench/postgraphile/), on one PostgreSQL database made for
 * the purpose and seeded by src/seed at --scale 1, then at --scale 10; then
 * subscriptions at scale (several instances, many subscribers). Writes
 * bench/RESULTS.md and prints it. Options: bench/lib/options.mjs.
 *
 * Needs `npm run build` first (npm run bench does it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import {
  addPostGraphileIsCurrent, benchDatabase, createBenchDatabase, prepareMutations, readInputs, seedDatabase, serverVersion, statusCounts,
} from './lib/database.mjs';
import { runPhase } from './lib/measure.mjs';
import { USAGE, parseOptions } from './lib/options.mjs';
import { profileOurs } from './lib/profile.mjs';
import { baselineTable, machine, resultsTable, scaleTable, sortRows, subscriptionsTable, targets } from './lib/report.mjs';
import { MUTATIONS } from './lib/scenarios.mjs';
import { installPostGraphile, postgraphileNode, prepareBaseline, serverKinds } from './lib/servers.mjs';
import { measureSubscriptions } from './lib/subscriptions.mjs';
import { BENCH, ROOT, createRun } from './lib/util.mjs';

/** Which servers take which scenarios: the floor and PostGraphile answer s1 and s3 only. */
function plan(options, scenarios) {
  const mine = options.scenarios.filter((s) => scenarios.includes(s));
  const theirs = mine.filter((s) => s === 's1' || s === 's3');
  return { floor: theirs, postgraphile: theirs, ours: mine, baseline: mine, variant: mine };
}

/** The reads, then the mutations on data prepared for them, at one scale. */
async function measureScale(bench, kinds, scale) {
  const { options, db, run } = bench;
  const seed = await seedDatabase(db, scale, run.say);
  bench.lastScale = scale;
  await addPostGraphileIsCurrent(db);
  const inputs = await readInputs(db);
  const reads = options.scenarios.filter((s) => !MUTATIONS.includes(s));
  const rows = await runPhase(bench, scale, kinds, plan(options, reads), inputs);
  let note = null;
  if (options.scenarios.some((s) => MUTATIONS.includes(s))) {
    run.say('preparing the mutation scenarios');
    const mutations = await prepareMutations(db, 6000, 400);
    rows.push(...(await runPhase(bench, scale, kinds, plan(options, MUTATIONS), { ...inputs, mutations })));
    const left = await statusCounts(db, [...mutations.manyImages, ...mutations.contendedImages]);
    note = `${mutations.manyImages.length} + ${mutations.contendedImages.length} UNKNOWN images prepared; ` +
      `after the run ${left[1] ?? 0} are ACTIVE and ${left[0] ?? 0} still UNKNOWN (a request past the end of the list ` +
      'starts it again: ACTIVE again is a no-op that succeeds)';
  }
  return { seed, rows, note };
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.help) return console.log(USAGE);
  if (!fs.existsSync(path.join(ROOT, 'dist/src/index.js'))) throw new Error('build first: npm run build');
  const run = createRun();
  const db = benchDatabase();
  const bench = { options, run, db };
  run.say(`rounds ${options.rounds} x ${options.duration} s (+ ${options.warmup} s warm-up), ${options.connections} connections, ` +
    `scenarios ${options.scenarios.join(' ')}; logs in ${run.logs}`);
  const postgraphileMissing = options.withPostGraphile ? installPostGraphile(run.say) : 'left out by --no-postgraphile';
  if (postgraphileMissing) run.say(`PostGraphile column left out: ${postgraphileMissing}`);
  const baseline = options.baseline ? prepareBaseline(options.baseline, run.logs) : null;
  const kinds = serverKinds(options, { baselineDir: baseline?.dir, variantDir: options.variant && path.resolve(options.variant) });
  if (postgraphileMissing) delete kinds.postgraphile;
  const pgVersion = await serverVersion(db);
  const pglNode = kinds.postgraphile ? spawnSync(postgraphileNode(), ['--version'], { encoding: 'utf8' }).stdout.trim() : null;

  await createBenchDatabase(db);
  if (options.profile) {
    await seedDatabase(db, 1, run.say);
    return profileOurs(bench, await readInputs(db));
  }
  const scale1 = await measureScale(bench, kinds, 1);
  const scale10 = options.withScale10 ? await measureScale(bench, kinds, 10) : null;
  const subscriptions = options.withSubscriptions ? await measureSubscriptions(bench, kinds.ours) : null;
  baseline?.remove();

  const s1 = sortRows(scale1.rows);
  const s10 = scale10 ? sortRows(scale10.rows) : [];
  const seedLine = (s) => `${s.projects} projects, ${s.snapshots} snapshots, ${s.images} images`;
  const report = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString()} in ${run.elapsed()}` +
      (baseline ? `; "baseline" is ${baseline.commit}, built and run beside the working tree ("ours")` : '') +
      (options.variant ? `; "variant" is the build in ${path.resolve(options.variant)}` : '') +
      (options.nodeFlags.length ? `; our server's builds started with \`${options.nodeFlags.join(' ')}\`` : '') + '.',
    '',
    '## Machine',
    '',
    machine(run, pgVersion, pglNode),
    '',
    `## --scale 1 (${seedLine(scale1.seed)})`,
    '',
    `${options.connections} connections from a separate process on loopback (autocannon), ${options.rounds} rounds of ${options.duration} s after ` +
      `a ${options.warmup} s warm-up; medians of the rounds, the servers' rounds taken in turn. ` +
      'Server CPU: user + system time of the server process over a round (/proc/<pid>/stat) per request, ' +
      'less sensitive than req/s to other load on the machine; PostgreSQL CPU: the same for the backends ' +
      'connected to the bench database. RSS: the server process\'s peak VmRSS during the rounds. ' +
      `SQL/req: statements the server sent through node-postgres over ${options.counted} further requests, divided by ${options.counted}. ` +
      'Load: the machine\'s 1-minute load average at the end of each round (median); on 2 cores, anything above 2 means ' +
      'other work was waiting for a CPU and the req/s of that row are low. ' +
      `Every server has a pool of ${options.poolSize} connections.`,
    '',
    resultsTable(s1),
    '',
    ...(scale1.note ? [`Mutations: ${scale1.note}.`, ''] : []),
    ...(postgraphileMissing ? [`PostGraphile is missing: ${postgraphileMissing}.`, ''] : []),
    ...(scale10
      ? [
          `## --scale 10 (${seedLine(scale10.seed)})`,
          '',
          resultsTable(s10),
          '',
          ...(scale10.note ? [`Mutations: ${scale10.note}.`, ''] : []),
          '### Growth from --scale 1 to --scale 10',
          '',
          scaleTable(s1, s10),
          '',
        ]
      : []),
    ...(baseline || options.variant ? ['## Against the baseline (--scale 1)', '', baselineTable(s1), ''] : []),
    ...(subscriptions
      ? [
          `## Subscriptions at scale (--scale ${subscriptions.scale} data)`,
          '',
          `${subscriptions.load.subscribers} graphql-ws subscribers (one connection each) spread over ${subscriptions.load.instances} ` +
            `instances of our server on one PostgreSQL database, each watching one of ${subscriptions.load.projects} projects; ` +
            `${subscriptions.load.rate} changes a second for ${subscriptions.load.seconds} s (changeImageStatus, each instance in turn), ` +
            'so that most events reach their subscribers through another instance\'s LISTEN connection. Latency: from sending the ' +
            'change to the event\'s arrival, per subscriber; mutation: the change\'s own round trip. CPU: each instance\'s share ' +
            'of one core over the whole run.',
          '',
          subscriptionsTable(subscriptions),
          '',
        ]
      : []),
    '## Targets, for our server',
    '',
    targets(s1, s10),
    '',
  ].join('\n');
  const partial = options.scenarios.length < 7 || !options.withScale10 || !options.withPostGraphile || !options.withSubscriptions;
  const file = partial ? path.join(run.logs, 'RESULTS.md') : path.join(BENCH, 'RESULTS.md');
  fs.writeFileSync(file, report);
  console.log(`\n${report}`);
  run.say(`wrote ${partial ? `${file} (a partial run leaves bench/RESULTS.md alone)` : 'bench/RESULTS.md'}`);
}

main().catch((err) => {
  console.error(`bench: ${err.stack ?? err}`);
  process.exit(1);
});
