/*
 * Preloaded (`node -r`) into every server the bench runs: counts the SQL
 * statements the process sends through node-postgres (each Client#query call:
 * a SELECT, an UPDATE, a BEGIN or a COMMIT alike), and tells the bench the
 * count over the IPC channel when asked. `pg` is resolved from the server's
 * working directory, so the patched module is the one the server loads.
 */
'use strict';
const { Client } = require(require.resolve('pg', { paths: [process.cwd()] }));

let statements = 0;
const query = Client.prototype.query;
Client.prototype.query = function countedQuery(...args) {
  statements++;
  return query.apply(this, args);
};

if (process.send) {
  process.on('message', (message) => {
    if (message === 'sql-count') process.send({ sqlCount: statements });
  });
  // The IPC channel must not keep the server alive on its own.
  process.channel?.unref();
}
