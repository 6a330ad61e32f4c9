import { type DataSource, type EntityManager, QueryFailedError, type QueryRunner } from 'typeorm';
import { pgPool } from './pool';

/**
 * The one way the app runs SQL. Statements are written with the `sql` tag:
 * every interpolated value becomes a numbered parameter, and only fragments
 * made by the tag itself (or by `sql.join`, or from entity metadata) are
 * spliced in as text. So conditions, locks and select lists travel between
 * functions as values, never as strings, and input can never become SQL.
 */

/** What may stand in a `${...}` of the `sql` tag: a parameter value, or another fragment. */
export type SqlValue =
  | string
  | number
  | boolean
  | Date
  | null
  | readonly (string | null)[]
  | readonly (number | null)[]
  | SqlFragment;

/** A piece of SQL text with its parameters; compose it into a statement with the `sql` tag. */
export class SqlFragment {
  protected constructor(
    readonly texts: readonly string[],
    readonly values: readonly SqlValue[],
  ) {}

  /** @internal Used by the tag and by `trustedSql` only. */
  static make(texts: readonly string[], values: readonly SqlValue[]): SqlFragment {
    return new SqlFragment(texts, values);
  }
}

/** A whole statement whose rows have the shape `Row`. */
export class SqlQuery<Row> extends SqlFragment {
  /** Carries the row type; never set at run time. */
  declare readonly row?: Row;
  /** The name it is prepared under (`prepared`), or undefined. */
  readonly preparedAs?: string;

  static of<Row>(fragment: SqlFragment, preparedAs?: string): SqlQuery<Row> {
    const query = new SqlQuery<Row>(fragment.texts, fragment.values);
    (query as { preparedAs?: string }).preparedAs = preparedAs;
    return query;
  }

  /**
   * The same statement, run as a named prepared statement where `Db` can
   * (see `PreparedStatements`). For the hot reads: each connection parses and
   * plans it once instead of every time.
   */
  prepared(name: string): SqlQuery<Row> {
    return SqlQuery.of<Row>(this, name);
  }
}

/** Tags a statement (or a fragment of one); `Row` names the shape of its rows. */
export function sql<Row = Record<string, unknown>>(texts: TemplateStringsArray, ...values: SqlValue[]): SqlQuery<Row> {
  return SqlQuery.of<Row>(SqlFragment.make([...texts], values));
}

/** The fragments joined by `separator` (a comma when not given). */
sql.join = (fragments: readonly SqlFragment[], separator: SqlFragment = trustedSql(', ')): SqlFragment => {
  const texts = [''];
  const values: SqlValue[] = [];
  fragments.forEach((fragment, n) => {
    if (n > 0) {
      values.push(separator);
      texts.push('');
    }
    values.push(fragment);
    texts.push('');
  });
  return SqlFragment.make(texts, values);
};

/** Nothing: for an optional part of a statement. */
sql.empty = (): SqlFragment => trustedSql('');

/** The row lock a SELECT takes: none, `FOR UPDATE` or `FOR SHARE`. */
export type RowLock = 'none' | 'forUpdate' | 'forShare';

const ROW_LOCK: Readonly<Record<RowLock, string>> = { none: '', forUpdate: 'FOR UPDATE', forShare: 'FOR SHARE' };

/** The clause of a row lock, to end a SELECT with. */
sql.lock = (lock: RowLock): SqlFragment => trustedSql(ROW_LOCK[lock]);

/** The conditions joined by AND, as a WHERE clause; nothing when there are none. */
sql.where = (conditions: readonly SqlFragment[]): SqlFragment =>
  conditions.length ? sql`WHERE ${sql.join(conditions, trustedSql(' AND '))}` : sql.empty();

/**
 * SQL text that is known not to come from input: identifiers and select lists
 * built from entity metadata, fixed keywords. Never pass it anything a client sent.
 */
export function trustedSql(text: string): SqlFragment {
  return SqlFragment.make([text], []);
}

/** The statement's text, with its parameters numbered from $1, and their values. */
export function compile(fragment: SqlFragment): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const walk = (f: SqlFragment): string => {
    let text = f.texts[0];
    f.values.forEach((value, n) => {
      if (value instanceof SqlFragment) text += walk(value);
      else {
        values.push(value);
        text += `$${values.length}`;
      }
      text += f.texts[n + 1];
    });
    return text;
  };
  return { text: walk(fragment), values };
}

/**
 * Named prepared statements: a statement marked `prepared(name)` and run on
 * the pool goes to node-postgres as `{ name, text, values }`, so each
 * connection parses and plans it once and then only binds and executes it
 * (measured alone: 70 -> 30 us of PostgreSQL CPU for a project by slug, 160 ->
 * 75 us for a snapshot page), and skips TypeORM's query runner (a runner, a
 * broadcaster and a result object per statement). The wire name is the given
 * name and the text's number among that name's texts, since one name may have
 * several shapes (a page with and without a cursor). Inside a transaction
 * statements run as before, unnamed.
 *
 * Off on PGlite: its connections share one backend, where one connection's
 * prepared statement would clash with another's of the same name.
 */
class PreparedStatements {
  /** Wire names by name and text; a name with more shapes than this runs the rest unnamed. */
  private static readonly MAX_SHAPES = 16;
  private readonly names = new Map<string, Map<string, string>>();

  wireName(name: string, text: string): string | null {
    let shapes = this.names.get(name);
    if (!shapes) this.names.set(name, (shapes = new Map<string, string>()));
    let wire = shapes.get(text);
    if (wire === undefined && shapes.size < PreparedStatements.MAX_SHAPES) shapes.set(text, (wire = `${name}#${shapes.size + 1}`));
    return wire ?? null;
  }
}

/** Runs statements: on the pool (each its own transaction), or in one transaction. */
export class Db {
  private constructor(
    private readonly source: DataSource | EntityManager,
    private readonly prepared: PreparedStatements | null = null,
  ) {}

  /**
   * Statements on the data source's pool; `prepare` runs those marked
   * `prepared(name)` as named prepared statements (PostgreSQL servers only).
   */
  static of(dataSource: DataSource, options: { prepare?: boolean } = {}): Db {
    return new Db(dataSource, options.prepare ? new PreparedStatements() : null);
  }

  /** Runs `work` in one transaction; every statement of `tx` belongs to it. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    if (!this.isPool()) throw new Error('Db.transaction: already in a transaction');
    return (this.source as DataSource).transaction((em) => work(new Db(em)));
  }

  /**
   * Runs `work` with every statement of `session` on one connection of the
   * pool, outside any transaction: for session state such as an advisory lock
   * (which `work` must undo: the connection goes back to the pool).
   */
  async session<T>(work: (session: Db) => Promise<T>): Promise<T> {
    if (!this.isPool()) throw new Error('Db.session: inside a transaction');
    const runner = (this.source as DataSource).createQueryRunner();
    try {
      await runner.connect();
      return await work(new Db(runner.manager));
    } finally {
      await runner.release();
    }
  }

  /** True when each statement runs on its own (not inside a transaction). */
  isPool(): boolean {
    return !('queryRunner' in this.source && this.source.queryRunner);
  }

  /** Every row. */
  async many<Row>(query: SqlQuery<Row>): Promise<Row[]> {
    return (await this.run(query)).rows as Row[];
  }

  /** The one row; an error when there is none or more than one. */
  async one<Row>(query: SqlQuery<Row>): Promise<Row> {
    const rows = await this.many(query);
    if (rows.length !== 1) throw new Error(`Expected one row, got ${rows.length}: ${compile(query).text}`);
    return rows[0];
  }

  /** The row, or null when there is none; an error when there are more. */
  async maybeOne<Row>(query: SqlQuery<Row>): Promise<Row | null> {
    const rows = await this.many(query);
    if (rows.length > 1) throw new Error(`Expected at most one row, got ${rows.length}: ${compile(query).text}`);
    return rows[0] ?? null;
  }

  /** Runs a statement for its effect; the number of rows it affected. */
  async exec(query: SqlQuery<unknown>): Promise<number> {
    return (await this.run(query)).affected;
  }

  private async run(query: SqlFragment): Promise<{ rows: unknown[]; affected: number }> {
    const { text, values } = compile(query);
    const name = this.prepared && query instanceof SqlQuery && query.preparedAs ? this.prepared.wireName(query.preparedAs, text) : null;
    if (name !== null && this.isPool()) return this.runPrepared(name, text, values);
    const runner: QueryRunner =
      'queryRunner' in this.source && this.source.queryRunner
        ? this.source.queryRunner
        : (this.source as DataSource).createQueryRunner();
    try {
      const result = await runner.query(text, values, true);
      return { rows: result.records ?? [], affected: result.affected ?? 0 };
    } finally {
      if (runner !== (this.source as EntityManager).queryRunner) await runner.release();
    }
  }

  /** A named statement on the pool's own connection, logged and its errors wrapped as TypeORM's runner does. */
  private async runPrepared(name: string, text: string, values: unknown[]): Promise<{ rows: unknown[]; affected: number }> {
    const dataSource = this.source as DataSource;
    const pool = pgPool(dataSource);
    if (!pool) throw new Error('Db: the data source is not connected');
    dataSource.logger.logQuery(text, values);
    try {
      const result = await pool.query({ name, text, values });
      return { rows: result.rows, affected: result.rowCount ?? 0 };
    } catch (err) {
      dataSource.logger.logQueryError(err as Error, text, values);
      throw new QueryFailedError(text, values, err as Error);
    }
  }
}
