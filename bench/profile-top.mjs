/*
 * Where the time goes in a V8 CPU profile (node --cpu-prof):
 *   node bench/profile-top.mjs <file.cpuprofile> [top]
 * Prints the functions with the most self time, then self time by package
 * (node_modules/<name>, node: internals, our dist/src), as shares of the
 * samples taken while not idle.
 */
import fs from 'node:fs';

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const samples = new Map();
for (const id of profile.samples) samples.set(id, (samples.get(id) ?? 0) + 1);

const idle = new Set(['(idle)', '(program)']);
let busy = 0;
const functions = new Map();
const packages = new Map();
function packageOf(url) {
  if (!url) return '(native/V8)';
  if (url.startsWith('node:')) return 'node: internals';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('/dist/src/')) return 'our code (dist/src)';
  return url.replace(/^file:\/\//, '');
}
for (const [id, count] of samples) {
  const node = byId.get(id);
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (idle.has(name)) continue;
  if (name === '(garbage collector)') {
    busy += count;
    packages.set('(garbage collector)', (packages.get('(garbage collector)') ?? 0) + count);
    functions.set(name, (functions.get(name) ?? 0) + count);
    continue;
  }
  busy += count;
  const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${lineNumber + 1}` : '';
  const key = `${name} ${where}`;
  functions.set(key, (functions.get(key) ?? 0) + count);
  const pkg = packageOf(url);
  packages.set(pkg, (packages.get(pkg) ?? 0) + count);
}
// Inclusive time: each sample counts once for every distinct function on its stack.
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map();
const keyOf = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, 'dist/')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`;
};
for (const [id, count] of samples) {
  if (idle.has(byId.get(id).callFrame.functionName)) continue;
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) seen.add(keyOf(byId.get(at)));
  for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + count);
}
const total = profile.samples.length;
const pct = (n) => `${((100 * n) / busy).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${total} samples, ${busy} busy (${((100 * busy) / total).toFixed(0)}%)`);
console.log('\nself time by package:');
for (const [k, v] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${pct(v)}  ${k}`);
console.log(`\ntop ${top} functions by self time:`);
for (const [k, v] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);

console.log(`\ntop ${top} functions by inclusive time (self + callees):`);
for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
