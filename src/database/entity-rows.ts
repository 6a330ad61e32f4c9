import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { type Db, type RowLock, type SqlFragment, type SqlQuery, sql, trustedSql } from './sql';

/** A row of an entity's select list: its columns by property name, as the driver gives them. */
export type EntityRow = Record<string, unknown>;

/**
 * Reads entities with plain SQL: a select list that names each column by its
 * property, and `hydrate`, which turns a row of that list into an entity
 * (applying the column transformers). Built once from the entity metadata, so
 * the entity classes stay the one description of the tables.
 */
export class EntityRows<T extends ObjectLiteral> {
  readonly table: string;
  private readonly target: new () => T;
  private readonly primary: string;
  private readonly columns: { property: string; column: string; from?: (value: unknown) => unknown }[];

  constructor(dataSource: DataSource, target: EntityTarget<T>) {
    const meta = dataSource.getMetadata(target);
    this.table = meta.tableName;
    this.target = meta.target as new () => T;
    this.primary = meta.primaryColumns[0]!.databaseName;
    this.columns = meta.columns.map((c) => {
      const transformer = Array.isArray(c.transformer) ? undefined : c.transformer;
      return {
        property: c.propertyName,
        column: c.databaseName,
        from: transformer ? (value: unknown): unknown => transformer.from(value) : undefined,
      };
    });
  }

  /**
   * `"a"."project_id" AS "projectId", ...` for a table aliased as `alias`; with
   * a `prefix`, `AS "<prefix>projectId"`, so that one row can hold two entities.
   */
  select(alias: string = this.table, prefix = ''): string {
    return this.columns.map((c) => `"${alias}"."${c.column}" AS "${prefix}${c.property}"`).join(', ');
  }

  /** The select list of `select`, as a fragment for the `sql` tag. */
  selectList(alias: string = this.table, prefix = ''): SqlFragment {
    return trustedSql(this.select(alias, prefix));
  }

  /** `<table> <alias>`, for a FROM clause. */
  from(alias: string = this.table): SqlFragment {
    return trustedSql(alias === this.table ? `"${this.table}"` : `"${this.table}" "${alias}"`);
  }

  hydrate(row: EntityRow, prefix = ''): T {
    const entity = new this.target();
    const target = entity as Record<string, unknown>;
    for (const c of this.columns) {
      const value = row[prefix + c.property];
      target[c.property] = c.from ? c.from(value) : value;
    }
    return entity;
  }

  hydrateAll(rows: readonly EntityRow[]): T[] {
    return rows.map((row) => this.hydrate(row));
  }

  /** The entities of a statement that selects `selectList()`. */
  async many(db: Db, query: SqlQuery<EntityRow>): Promise<T[]> {
    return this.hydrateAll(await db.many(query));
  }

  /** The rows that meet `condition` (columns named by the table's own name), with an optional row lock. */
  where(db: Db, condition: SqlFragment, lock: RowLock = 'none'): Promise<T[]> {
    return this.many(db, sql`SELECT ${this.selectList()} FROM ${this.from()} WHERE ${condition} ${sql.lock(lock)}`);
  }

  /** The row that meets `condition`, or null; an error when more do. */
  async maybeOne(db: Db, condition: SqlFragment, lock: RowLock = 'none'): Promise<T | null> {
    const row = await db.maybeOne(sql<EntityRow>`SELECT ${this.selectList()} FROM ${this.from()} WHERE ${condition} ${sql.lock(lock)}`);
    return row && this.hydrate(row);
  }

  /** The rows with these primary keys (uuids), in no particular order; those that do not exist are left out. */
  byIds(db: Db, ids: readonly string[]): Promise<T[]> {
    const condition = sql`${trustedSql(`"${this.table}"."${this.primary}"`)} = ANY(${ids}::uuid[])`;
    return this.many(db, sql<EntityRow>`SELECT ${this.selectList()} FROM ${this.from()} WHERE ${condition}`.prepared(`${this.table}-by-ids`));
  }
}
