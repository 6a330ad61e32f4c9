/*
 * The floor: the least a Node server can do to answer scenarios 1 and 3.
 * node:http and one pg Pool; each request is ONE prepared SQL statement that
 * builds the whole JSON response in PostgreSQL (json_build_object, json_agg);
 * Node only passes the text on. Not GraphQL: the body is what the GraphQL
 * server returns for the same question, with the same field names.
 *   GET /current/<slug>    = currentSnapshot(project: slug) { id status }
 *   GET /dashboard/<slug>  = project(slug:) { snapshots(first: 50) { nodes {
 *                              id status isCurrent images { status plan { label } } } } }
 * Run by bench/run.mjs: DATABASE_URL, PORT, HOST, POOL_SIZE.
 */
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(`${process.cwd()}/`);
const pg = require('pg');

const STATUS = `(ARRAY['UNKNOWN', 'ACTIVE', 'FAILED', 'INVALIDATED', 'PENDING'])`;

const CURRENT = {
  name: 'floor-current',
  text: `SELECT json_build_object('data', json_build_object('currentSnapshot', (
           SELECT json_build_object('id', s.id, 'status', ${STATUS}[s.status + 1])
           FROM project p JOIN snapshot s ON s.id = p.current_snapshot_id
           WHERE p.slug = $1)))::text AS body`,
};

const DASHBOARD = {
  name: 'floor-dashboard',
  text: `SELECT json_build_object('data', json_build_object('project', (
           SELECT json_build_object('snapshots', json_build_object('nodes', coalesce((
             SELECT json_agg(json_build_object(
                      'id', s.id, 'status', ${STATUS}[s.status + 1],
                      'isCurrent', s.id IS NOT DISTINCT FROM p.current_snapshot_id,
                      'images', (
                        SELECT coalesce(json_agg(json_build_object(
                                 'status', ${STATUS}[i.status + 1],
                                 'plan', json_build_object('label', (SELECT pl.label FROM plan pl WHERE pl.id = i.plan_id)))
                               ORDER BY i.date_created, i.id), '[]')
                        FROM snapshot_image i
                        WHERE i.snapshot_id = s.id))
                    ORDER BY s.date_created DESC, s.id DESC)
             FROM (SELECT * FROM snapshot WHERE project_id = p.id
                   ORDER BY date_created DESC, id DESC LIMIT 50) s), '[]')))
           FROM project p WHERE p.slug = $1)))::text AS body`,
};

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE || 10) });
pool.on('error', (err) => console.error('floor: idle client error', err.message));

const ROUTES = { current: CURRENT, dashboard: DASHBOARD };

const server = http.createServer((req, res) => {
  const [, route, slug] = (req.url ?? '').split('/');
  const statement = ROUTES[route];
  if (!statement || !slug) {
    res.writeHead(404).end();
    return;
  }
  pool.query({ ...statement, values: [decodeURIComponent(slug)] }).then(
    ({ rows }) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(rows[0].body);
    },
    (err) => {
      console.error('floor:', err.message);
      res.writeHead(500).end();
    },
  );
});

server.listen(Number(process.env.PORT || 0), process.env.HOST || '127.0.0.1', () => {
  console.log(`floor listening on ${JSON.stringify(server.address())}`);
});
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
