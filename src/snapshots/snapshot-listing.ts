import { decodeCursor, encodeCursor } from '../common/cursor';
import { pageSize } from '../common/input';
import type { Db } from '../database/sql';
import type { SnapshotConnection } from './snapshot-connection';
import type { SnapshotFilter, SnapshotQueries } from './snapshot.queries';

/** One page of a snapshot listing: `first` from 1 to 100, after an opaque cursor. */
export async function listSnapshots(
  queries: SnapshotQueries,
  db: Db,
  filter: SnapshotFilter,
  first: number,
  after: string | null | undefined,
): Promise<SnapshotConnection> {
  const limit = pageSize(first);
  const cursor = after == null ? null : decodeCursor(after);
  const rows = await queries.page(db, filter, limit + 1, cursor);
  const page = rows.slice(0, limit);
  const edges = page.map((row) => ({ cursor: encodeCursor(row.cursor), node: row.snapshot }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
    filter,
  };
}
