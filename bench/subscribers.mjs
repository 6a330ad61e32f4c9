/*
 * Subscriptions at scale, in its own process so that the subscribers never
 * share a CPU budget with the servers:
 *   node bench/subscribers.mjs <spec.json>
 * spec: { instances: [url...], token, subscribers, projects: [slug...],
 *         changes: [{ image, snapshot, project }], rate, settleMs }
 * Opens `subscribers` graphql-ws connections, one subscription each, spread
 * over the instances round robin, subscriber i watching projects[i % n];
 * waits until every instance serves its share (/metrics
 * graphql_subscriptions); then sends the changes (changeImageStatus to
 * ACTIVE) at `rate` per second, each to the next instance, and times every
 * event from the change's request to its arrival at each subscriber of the
 * project. Prints one line of JSON: changes, seconds, expected and received
 * events, latency p50/p99 (ms), the mutations' own p50/p99 (ms), errors.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(`${process.cwd()}/`);
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const SUBSCRIPTION = 'subscription Watch($project: ID!) { snapshotChanged(project: $project) { id status isCurrent } }';
const MUTATION = 'mutation Change($image: ID!) { changeImageStatus(image: $image, status: ACTIVE) { id } }';

const sentAt = new Map();
const latencies = [];
const mutationMs = [];
let received = 0;
let errors = 0;
const clients = [];
const watchers = new Map();

for (let i = 0; i < spec.subscribers; i++) {
  const base = spec.instances[i % spec.instances.length];
  const project = spec.projects[i % spec.projects.length];
  watchers.set(project, (watchers.get(project) ?? 0) + 1);
  const client = createClient({
    url: `${base.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: `Bearer ${spec.token}` },
    lazy: false,
    retryAttempts: 0,
  });
  clients.push(client);
  client.subscribe(
    { query: SUBSCRIPTION, variables: { project } },
    {
      next: (event) => {
        const id = event.data?.snapshotChanged?.id;
        const sent = sentAt.get(id);
        if (event.errors) errors++;
        if (sent === undefined) return; // a change not sent by this run
        received++;
        latencies.push(performance.now() - sent);
      },
      error: () => errors++,
      complete: () => undefined,
    },
  );
  if (i % 50 === 49) await sleep(20); // do not open a thousand connections in one tick
}

async function serving(base) {
  const text = await (await fetch(`${base}/metrics`)).text();
  return Number(/^graphql_subscriptions\s+(\d+)/m.exec(text)?.[1] ?? 0);
}
const deadline = Date.now() + 60_000;
for (;;) {
  const counts = await Promise.all(spec.instances.map(serving));
  if (counts.reduce((a, b) => a + b, 0) >= spec.subscribers) break;
  if (Date.now() > deadline) {
    console.error(`subscribers: only ${counts.join(' + ')} of ${spec.subscribers} subscriptions served after 60 s`);
    process.exit(1);
  }
  await sleep(250);
}

const started = performance.now();
let expected = 0;
let next = 0;
const inFlight = [];
for (const change of spec.changes) {
  const due = started + (next * 1000) / spec.rate;
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
  const base = spec.instances[next % spec.instances.length];
  next++;
  expected += watchers.get(change.project) ?? 0;
  const sent = performance.now();
  sentAt.set(change.snapshot, sent);
  inFlight.push(
    fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${spec.token}` },
      body: JSON.stringify({ query: MUTATION, variables: { image: change.image } }),
    })
      .then(async (res) => {
        if (!res.ok || (await res.text()).includes('"errors"')) errors++;
        mutationMs.push(performance.now() - sent);
      })
      .catch(() => errors++),
  );
}
const seconds = (performance.now() - started) / 1000;
await Promise.all(inFlight);
await sleep(spec.settleMs);
for (const client of clients) await client.dispose();

const at = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : null;
};
console.log(JSON.stringify({
  changes: spec.changes.length, seconds, expected, received, p50: at(latencies, 0.5), p99: at(latencies, 0.99),
  mutationP50: at(mutationMs, 0.5), mutationP99: at(mutationMs, 0.99), errors,
}));
process.exit(0);
