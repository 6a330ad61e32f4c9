import DataLoader from 'dataloader';

/** Orders batch results as DataLoader wants them: one entry per key, null where none matched. */
export function byKey<T>(keys: readonly string[], items: readonly T[], key: (item: T) => string): (T | null)[] {
  const found = new Map(items.map((item) => [key(item), item]));
  return keys.map((k) => found.get(k) ?? null);
}

/** Groups batch results per key, keeping their order; an empty list where none matched. */
export function groupByKey<T>(keys: readonly string[], items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
  for (const item of items) groups.get(key(item))?.push(item);
  return keys.map((k) => groups.get(k)!);
}

/** A per-request loader of rows by id: one `load(ids)` per batch, null for an id that matches nothing. */
export function byIdLoader<T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => byKey(ids, await load(ids), (row) => row.id));
}
