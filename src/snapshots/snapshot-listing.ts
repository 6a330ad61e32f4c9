import { type Cursor, decodeCursor, encodeCursor } from '../common/cursor';
import { pageSize } from '../common/input';
import type { GraphQLResolveInfo } from 'graphql';
import { selects } from '../common/look-ahead';
import type { Loaders } from '../context';
import type { Db } from '../database/sql';
import type { SnapshotConnection } from './snapshot-connection';
import type { SnapshotFilter, SnapshotPageRow, SnapshotQueries } from './snapshot.queries';

/** What a listing's query asks of its snapshots, read with the page (`lookAhead`). */
export interface PageLookAhead {
  /** The query selects the snapshots' images: read them in the page's statement. */
  images: boolean;
  /** The request's loaders, given the images and plans read with the page. */
  loaders: Loaders;
}

/** The look-ahead of a listing field being resolved. */
export function lookAhead(info: GraphQLResolveInfo, loaders: Loaders): PageLookAhead {
  return { images: selects(info, [['nodes', 'images'], ['edges', 'node', 'images']]), loaders };
}

/** One page of a snapshot listing: `first` from 1 to 100, after an opaque cursor. */
export async function listSnapshots(
  queries: SnapshotQueries,
  db: Db,
  filter: SnapshotFilter,
  first: number,
  after: string | null | undefined,
  ahead?: PageLookAhead,
): Promise<SnapshotConnection> {
  return readPage(first, after, filter, ahead, (limit, cursor, withImages) => queries.page(db, filter, limit, cursor, withImages));
}

/**
 * One page of a project's listing through the request's loaders: the pages of
 * all the projects a query lists are read together, in one statement.
 */
export async function listProjectSnapshots(
  loaders: Loaders,
  filter: SnapshotFilter & { projectId: string },
  first: number,
  after: string | null | undefined,
  ahead?: PageLookAhead,
): Promise<SnapshotConnection> {
  return readPage(first, after, filter, ahead, (limit, cursor, withImages) =>
    loaders.snapshotPageOfProject.load({ projectId: filter.projectId, state: filter.state, limit, after: cursor, withImages }),
  );
}

/**
 * A page of `first` (1 to 100) after an opaque cursor: `read` is asked for one
 * row more than the page, to tell whether a next page exists.
 */
async function readPage(
  first: number,
  after: string | null | undefined,
  filter: SnapshotFilter,
  ahead: PageLookAhead | undefined,
  read: (limit: number, after: Cursor | null, withImages: boolean) => Promise<SnapshotPageRow[]>,
): Promise<SnapshotConnection> {
  const limit = pageSize(first);
  const rows = await read(limit + 1, after == null ? null : decodeCursor(after), ahead?.images ?? false);
  return connection(rows, limit, filter, ahead);
}

/** The connection of a page read with one row more than `limit` (there is a next page when it came). */
function connection(rows: SnapshotPageRow[], limit: number, filter: SnapshotFilter, ahead?: PageLookAhead): SnapshotConnection {
  const page = rows.slice(0, limit);
  if (ahead?.images) {
    for (const { snapshot } of page) {
      for (const image of snapshot.imagesWhenRead ?? []) {
        ahead.loaders.imageById.prime(image.id, image);
        if (image.planWhenRead) ahead.loaders.planById.prime(image.planId, image.planWhenRead);
      }
    }
  }
  const edges = page.map((row) => ({ cursor: encodeCursor(row.cursor), node: row.snapshot }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null },
    filter,
  };
}
