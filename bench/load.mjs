/*
 * One load of one scenario against one server, in its own process so that the
 * load generator never shares a CPU budget with the server's event loop:
 *   node bench/load.mjs <spec.json>
 * spec: { url, connections, duration | amount, headers, method,
 *         requests: [{ path?, body? }, ...] }: each request takes the next of
 *         `requests`, round robin, shared by all connections.
 * Prints one line of JSON: requests, seconds, rps, p50, p99 (ms), errors
 * (non-2xx, or a GraphQL response with "errors"), timeouts.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(`${process.cwd()}/`);
const autocannon = require('autocannon');

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let next = spec.offset ?? 0;
let errors = 0;
const requests = spec.requests;

const options = {
  url: spec.url,
  connections: spec.connections,
  method: spec.method,
  headers: spec.headers,
  requests: [
    {
      setupRequest(req) {
        const r = requests[next++ % requests.length];
        return { ...req, path: r.path ?? req.path, body: r.body ?? req.body };
      },
      onResponse(status, body) {
        if (status < 200 || status > 299 || body.includes('"errors"')) errors++;
      },
    },
  ],
};
if (spec.amount) options.amount = spec.amount;
else options.duration = spec.duration;

const started = process.hrtime.bigint();
const result = await autocannon(options);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const total = result.requests.total;
console.log(
  JSON.stringify({
    requests: total,
    seconds,
    rps: total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: errors + result.errors,
    timeouts: result.timeouts,
    next,
  }),
);
