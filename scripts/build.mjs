#!/usr/bin/env node
// `npm run build`: compiles into a new directory beside dist/, then puts it in
// dist/'s place with renames, so that a server starting meanwhile never reads
// a half-written file, and files of deleted sources do not linger.
//   --if-stale  (npm's `prepare`, at install) build only when dist/ is missing
//               or was built from other sources; without the compiler (an
//               install without dev dependencies), say so and leave dist/ as it is.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DIST, ROOT, distState, sourceHashes, writeRecord } from './dist-state.mjs';

const ifStale = process.argv.includes('--if-stale');
const say = (line) => console.error(`build: ${line}`);

if (ifStale) {
  const state = distState();
  if (!state.missing && state.changed.length === 0) process.exit(0);
}

let tsc;
try {
  tsc = createRequire(path.join(ROOT, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  say('TypeScript is not installed (dependencies installed without the dev ones?); dist/ is not built');
  process.exit(ifStale ? 0 : 1);
}

const started = Date.now();
const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
const next = `${DIST}.new-${suffix}`;
const sources = sourceHashes();
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', next], { cwd: ROOT, stdio: 'inherit' });
if (compiled.status !== 0) {
  fs.rmSync(next, { recursive: true, force: true });
  say(`the compiler failed (exit ${compiled.status ?? compiled.signal}); dist/ is unchanged`);
  process.exit(1);
}
writeRecord(next, sources);

// Two renames: the old build aside, the new one in its place. Another build
// may put its own dist/ there between the two; then set that one aside too.
const aside = [];
for (let attempt = 0; ; attempt++) {
  const old = `${DIST}.old-${suffix}-${attempt}`;
  try {
    fs.renameSync(DIST, old);
    aside.push(old);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  try {
    fs.renameSync(next, DIST);
    break;
  } catch (err) {
    if (!['ENOTEMPTY', 'EEXIST'].includes(err.code) || attempt >= 10) throw err;
  }
}
for (const old of aside) fs.rmSync(old, { recursive: true, force: true });
say(`dist/ built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
