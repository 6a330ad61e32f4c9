import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { type SqlFragment, trustedSql } from './sql';

/**
 * Reads entities with plain SQL: a select list that names each column by its
 * property, and `hydrate`, which turns a row of that list into an entity
 * (applying the column transformers). Built once from the entity metadata, so
 * the entity classes stay the one description of the tables.
 */
export class EntityRows<T extends ObjectLiteral> {
  readonly table: string;
  private readonly target: new () => T;
  private readonly columns: { property: string; column: string; from?: (value: unknown) => unknown }[];

  constructor(dataSource: DataSource, target: EntityTarget<T>) {
    const meta = dataSource.getMetadata(target);
    this.table = meta.tableName;
    this.target = meta.target as new () => T;
    this.columns = meta.columns.map((c) => {
      const transformer = Array.isArray(c.transformer) ? undefined : c.transformer;
      return { property: c.propertyName, column: c.databaseName, from: transformer?.from.bind(transformer) };
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

  hydrate(row: Record<string, unknown>, prefix = ''): T {
    const entity = new this.target();
    const target = entity as Record<string, unknown>;
    for (const c of this.columns) {
      const value = row[prefix + c.property];
      target[c.property] = c.from ? c.from(value) : value;
    }
    return entity;
  }

  hydrateAll(rows: Record<string, unknown>[]): T[] {
    return rows.map((row) => this.hydrate(row));
  }
}
