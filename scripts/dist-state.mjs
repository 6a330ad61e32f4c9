// What dist/ was built from, and whether that is what the sources are now.
// Shared by scripts/build.mjs (which writes the record) and scripts/run-built.mjs
// (which checks it before running a server or a command from dist/).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const DIST = path.join(ROOT, 'dist');

/** What the compiler reads (tsconfig.build.json's "include", and the options). */
const INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'ormconfig.ts', 'src'];
const RECORD = 'build-info.json';

function walk(root, rel, out) {
  const full = path.join(root, rel);
  const stat = fs.statSync(full, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(full).sort()) walk(root, path.posix.join(rel, name), out);
  } else if (stat.isFile()) {
    out[rel] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
  }
}

/** Every input file, relative to the root, with the SHA-256 of its content. */
export function sourceHashes(root = ROOT) {
  const out = {};
  for (const input of INPUTS) walk(root, input, out);
  return out;
}

/** Records, in a finished build directory, the sources it was built from. */
export function writeRecord(dir, sources) {
  fs.writeFileSync(path.join(dir, RECORD), JSON.stringify({ builtAt: new Date().toISOString(), node: process.version, sources }, null, 2) + '\n');
}

/**
 * How dist/ stands: `missing` (no finished build), `changed` (the source files
 * that differ from those it was built from, with what happened to each), or
 * neither (it is the build of the sources as they are).
 */
export function distState(root = ROOT, dist = path.join(root, 'dist')) {
  let record;
  try {
    record = JSON.parse(fs.readFileSync(path.join(dist, RECORD), 'utf8'));
  } catch {
    return { missing: true, changed: [] };
  }
  if (!fs.existsSync(path.join(root, 'src'))) return { missing: false, changed: [] };
  const now = sourceHashes(root);
  const then = record.sources ?? {};
  const changed = [];
  for (const [file, hash] of Object.entries(now)) {
    if (!(file in then)) changed.push(`${file} is new`);
    else if (then[file] !== hash) changed.push(`${file} changed`);
  }
  for (const file of Object.keys(then)) if (!(file in now)) changed.push(`${file} was removed`);
  return { missing: false, changed };
}
