/*
 * --profile: our server alone, once per read scenario (--scenarios limits
 * which), under node --cpu-prof; writes bench/profiles/<scenario>.cpuprofile
 * and prints its top self-time functions (bench/profile-top.mjs).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runPhase } from './measure.mjs';
import { MUTATIONS } from './scenarios.mjs';
import { serverKinds } from './servers.mjs';
import { BENCH } from './util.mjs';

export async function profileOurs(bench, inputs) {
  const dir = path.join(BENCH, 'profiles');
  fs.mkdirSync(dir, { recursive: true });
  const kinds = serverKinds(bench.options, { profileDir: dir });
  for (const scenario of bench.options.scenarios.filter((s) => !MUTATIONS.includes(s))) {
    const before = new Set(fs.readdirSync(dir));
    const only = { ...bench, options: { ...bench.options, scenarios: [scenario] } };
    const rows = await runPhase(only, 1, { ours: kinds.ours }, { ours: [scenario] }, inputs);
    const made = fs.readdirSync(dir).filter((f) => !before.has(f) && f.endsWith('.cpuprofile'));
    if (!rows.length) {
      for (const f of made) fs.rmSync(path.join(dir, f));
      continue;
    }
    if (made.length !== 1) throw new Error(`expected one new profile in ${dir}, found ${made.length}`);
    const file = path.join(dir, `${scenario}.cpuprofile`);
    fs.renameSync(path.join(dir, made[0]), file);
    spawnSync(process.execPath, [path.join(BENCH, 'profile-top.mjs'), file, '30'], { stdio: 'inherit' });
  }
}
