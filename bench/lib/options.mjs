/*
 * The command line of bench/run.mjs, read once into one frozen object that
 * the other modules are handed (no module keeps options of its own).
 */

export const USAGE = `node bench/run.mjs [--duration S] [--rounds N] [--warmup S] [--connections N]
                   [--scenarios s1,s3,...] [--baseline GIT_REF|BUILT_DIR] [--variant BUILT_DIR]
                   [--profile] [--no-postgraphile] [--no-scale10] [--no-subscriptions | --subscriptions]
                   [--node-flags "FLAGS"]`;

/** Every scenario the bench knows, in the order it runs them. */
export const ALL_SCENARIOS = ['s1', 's2', 's3', 's6', 's7', 's4', 's5'];

export function parseOptions(argv) {
  const known = new Set([
    '--duration', '--rounds', '--warmup', '--connections', '--scenarios', '--baseline', '--variant', '--node-flags',
    '--profile', '--no-postgraphile', '--no-scale10', '--no-subscriptions', '--subscriptions', '--help',
  ]);
  for (const arg of argv) {
    if (arg.startsWith('--') && !known.has(arg)) throw new Error(`unknown option ${arg}\n${USAGE}`);
  }
  const flag = (name) => argv.includes(name);
  const option = (name, fallback) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
  };
  const number = (name, fallback) => {
    const value = Number(option(name, fallback));
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} takes a positive number`);
    return value;
  };
  const scenarios = option('--scenarios', null)?.split(',').map((s) => s.trim()).filter(Boolean) ?? ALL_SCENARIOS;
  for (const s of scenarios) if (!ALL_SCENARIOS.includes(s)) throw new Error(`--scenarios: no scenario ${s} (${ALL_SCENARIOS.join(', ')})`);
  return Object.freeze({
    help: flag('--help'),
    duration: number('--duration', 5),
    rounds: number('--rounds', 3),
    warmup: number('--warmup', 3),
    connections: number('--connections', 50),
    /** Which scenarios run; all of them unless --scenarios names some. */
    scenarios: Object.freeze(ALL_SCENARIOS.filter((s) => scenarios.includes(s))),
    /** Another build of our server run beside the working tree: a git ref, or a directory built already. */
    baseline: option('--baseline', null),
    /** A third build of our server (a directory built already), for trying a change beside ours and the baseline. */
    variant: option('--variant', null),
    /** Node flags for every build of our server (e.g. "--max-semi-space-size=32"), on top of what it starts with. */
    nodeFlags: option('--node-flags', '').split(' ').filter(Boolean),
    profile: flag('--profile'),
    withPostGraphile: !flag('--no-postgraphile'),
    withScale10: !flag('--no-scale10'),
    /** Subscriptions at scale: on by default, off with --scenarios unless --subscriptions asks for them. */
    withSubscriptions: flag('--subscriptions') || (!flag('--no-subscriptions') && !option('--scenarios', null)),
    poolSize: 10,
    /** Requests of the statement-counting pass that follows the timed rounds. */
    counted: 500,
    token: 'bench-token-0123456789abcdef',
  });
}
