/*
 * PostGraphile v5 (the Amber preset, defaults otherwise) over the bench
 * database, for the side-by-side columns of bench/RESULTS.md. Run by
 * bench/run.mjs with the Node 22 that this folder's package.json brings:
 * DATABASE_URL, PORT, HOST, POOL_SIZE.
 */
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const preset = {
  extends: [PostGraphileAmberPreset],
  // Images are listed by (date_created, id), a column without an index of its
  // own; by default PostGraphile offers orderBy on indexed columns only.
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ['public'],
      poolConfig: { max: Number(process.env.POOL_SIZE || 10) },
    }),
  ],
  grafserv: { graphiql: false, watch: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (err) => {
  console.error('postgraphile:', err);
  process.exit(1);
});
await serv.addTo(server);
await pgl.getSchema();
server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', () => {
  console.log(`postgraphile listening on ${JSON.stringify(server.address())}`);
});
process.on('SIGTERM', () => {
  server.close();
  pgl.release().then(() => process.exit(0));
});
