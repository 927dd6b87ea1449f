/**
 * The history table: one row per migration (versioned ones keyed by version, repeatable ones by name),
 * with its checksum, status, timing, who applied it, and the progress of non-transactional files.
 */
import { hostname } from 'node:os';
import type pg from 'pg';

import { ApplyConfigurationError } from './config-error.js';

/** Status of a history row. */
export type HistoryStatus = 'applied' | 'failed' | 'running' | 'baseline';

export interface HistoryRow {
  /** Primary key: the version, or `R:<name>` for a repeatable migration. */
  readonly key: string;
  readonly version: string;
  readonly name: string;
  readonly repeatable: boolean;
  /** File path relative to the migration directory when it was applied. */
  readonly file: string | null;
  readonly checksum: string;
  readonly status: HistoryStatus;
  readonly appliedAt: Date;
  readonly executionMs: number | null;
  readonly appliedBy: string | null;
  readonly error: string | null;
  /** 0-based index of the statement that failed. */
  readonly failedStatement: number | null;
  /** Non-transactional progress: statements 0..n-1 are done. */
  readonly statementsDone: number;
  /** SHA-256 of the statements done (see `prefixChecksum`), to check a resumed file did not change them. */
  readonly doneChecksum: string | null;
}

/** The data a write needs. */
export interface HistoryEntry {
  readonly version: string;
  readonly name: string;
  readonly repeatable: boolean;
  readonly file: string;
  readonly checksum: string;
}

/** Primary key of a migration in the history table. */
export function historyKey(m: { version: string; name: string; repeatable: boolean }): string {
  return m.repeatable ? `R:${m.name}` : m.version;
}

/** `current_user` is added by SQL; this is the rest: the GitHub actor (when in Actions) and the host. */
export function appliedByDetail(env: NodeJS.ProcessEnv = process.env): string {
  const actor = env.GITHUB_ACTOR;
  return actor ? `${actor}@${hostname()}` : hostname();
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A SQL string literal (standard_conforming_strings is on in every supported PostgreSQL). */
export function literal(value: string | number | null): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(Math.trunc(value));
  // E'' would be needed for backslashes only with standard_conforming_strings off; NUL cannot occur in SQL text.
  return `'${value.replace(/'/g, "''")}'`;
}

/** SQLSTATE insufficient_privilege. */
const INSUFFICIENT_PRIVILEGE = '42501';

interface Privileges {
  readonly role: string;
  readonly database: string;
  /** CREATE on the database (creates schemas). */
  readonly createSchema: boolean;
  /** USAGE on the history schema (null when it does not exist). */
  readonly usageOnSchema: boolean | null;
  /** CREATE on the history schema (null when it does not exist). */
  readonly createInSchema: boolean | null;
  /** A schema the role owns or may create in, for the hint. */
  readonly usableSchema: string | null;
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[^."\s]+)`;

/** The columns of a db-action history table (what `read` selects). */
const HISTORY_COLUMNS = [
  'key',
  'version',
  'name',
  'repeatable',
  'file',
  'checksum',
  'status',
  'applied_at',
  'execution_ms',
  'applied_by',
  'error',
  'failed_statement',
  'statements_done',
  'done_checksum',
] as const;

function unquote(part: string): string {
  return part.startsWith('"') ? part.slice(1, -1).replace(/""/g, '"') : part.toLowerCase();
}

/** Where the history lives and the SQL that reads and writes it. */
export class HistoryTable {
  readonly schema: string;
  readonly table: string;
  /** `"schema"."table"`. */
  readonly qualified: string;

  /** `spec` is `schema.table` (identifiers folded to lower case unless double-quoted); a bare `table` goes in `public`. */
  constructor(spec = 'db_action.schema_migrations') {
    const m = new RegExp(`^\\s*(${IDENT})(?:\\.(${IDENT}))?\\s*$`).exec(spec);
    if (!m || !m[1]) {
      throw new ApplyConfigurationError(`history table "${spec}" is not a valid schema.table name`, {
        hint: 'write it as schema.table, e.g. db_action.schema_migrations',
      });
    }
    this.schema = m[2] ? unquote(m[1]) : 'public';
    this.table = unquote(m[2] ?? m[1]);
    this.qualified = `${quoteIdent(this.schema)}.${quoteIdent(this.table)}`;
  }

  /** Human spelling for messages. */
  toString(): string {
    return `${this.schema}.${this.table}`;
  }

  async exists(client: pg.Client): Promise<boolean> {
    try {
      const r = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [this.qualified]);
      return r.rows[0]?.t != null;
    } catch (e) {
      // no USAGE on the schema: even looking the table up is refused
      throw await this.explained(client, e, undefined);
    }
  }

  /** `e` as an ApplyConfigurationError naming the missing privilege when it is one (42501), else `e`. */
  private async explained(client: pg.Client, e: unknown, tableExists: boolean | undefined): Promise<unknown> {
    if ((e as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) return e;
    const schemaExists = await this.schemaExists(client);
    return this.privilegeError(await this.privileges(client), schemaExists, tableExists, (e as Error).message);
  }

  /**
   * Creates the schema and table when absent (call while holding the advisory lock). A role without
   * the privilege to create them gets an ApplyConfigurationError saying what to grant.
   */
  async ensure(client: pg.Client): Promise<boolean> {
    if (await this.exists(client)) return false;
    const schemaExists = await this.schemaExists(client);
    try {
      if (!schemaExists) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.qualified} (
  key text PRIMARY KEY,
  version text NOT NULL,
  name text NOT NULL,
  repeatable boolean NOT NULL DEFAULT false,
  file text,
  checksum text NOT NULL,
  status text NOT NULL CHECK (status IN ('applied', 'failed', 'running', 'baseline')),
  applied_at timestamptz NOT NULL DEFAULT now(),
  execution_ms integer,
  applied_by text,
  error text,
  failed_statement integer,
  statements_done integer NOT NULL DEFAULT 0,
  done_checksum text
)`);
      await client.query(`COMMENT ON TABLE ${this.qualified} IS 'db-action migration history'`);
    } catch (e) {
      throw await this.explained(client, e, false);
    }
    return true;
  }

  private async schemaExists(client: pg.Client): Promise<boolean> {
    const ns = await client.query<{ n: string | null }>('SELECT to_regnamespace($1) AS n', [quoteIdent(this.schema)]);
    return ns.rows[0]?.n != null;
  }

  /** The role, database and what the role may create, for privilege hints. */
  private async privileges(client: pg.Client): Promise<Privileges> {
    const r = await client.query<Privileges>(
      `SELECT current_user AS role, current_database() AS database,
  has_database_privilege(current_database(), 'CREATE') AS "createSchema",
  (SELECT has_schema_privilege(n.oid, 'USAGE') FROM pg_namespace n WHERE n.nspname = $1) AS "usageOnSchema",
  (SELECT has_schema_privilege(n.oid, 'CREATE') FROM pg_namespace n WHERE n.nspname = $1) AS "createInSchema",
  (SELECT nspname FROM pg_namespace n
    WHERE has_schema_privilege(n.oid, 'CREATE') AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'
    ORDER BY n.nspowner = (SELECT oid FROM pg_roles WHERE rolname = current_user) DESC, nspname = 'public', nspname LIMIT 1) AS "usableSchema"`,
      [this.schema],
    );
    return r.rows[0]!;
  }

  /**
   * The missing privilege as an error that says what apply was doing and what to grant: CREATE on the
   * database (for the schema), USAGE and CREATE on the schema, or the table's own privileges.
   */
  private privilegeError(
    p: Privileges,
    schemaExists: boolean,
    tableExists: boolean | undefined,
    raw?: string,
  ): ApplyConfigurationError {
    const why = raw === undefined ? '' : ` (${raw})`;
    const role = quoteIdent(p.role);
    const schema = quoteIdent(this.schema);
    const elsewhere = `or set history-table (--history-table) to a table in a schema ${p.role} owns or may create in${p.usableSchema ? `, e.g. ${p.usableSchema}.${this.table}` : ''}`;
    if (!schemaExists) {
      return new ApplyConfigurationError(
        `could not create the history table ${this}: creating its schema ${this.schema} needs the CREATE privilege on database ${p.database}, which role ${p.role} does not have${why}`,
        {
          hint: `as an administrator, run GRANT CREATE ON DATABASE ${quoteIdent(p.database)} TO ${role}, or create the schema beforehand: CREATE SCHEMA ${schema} AUTHORIZATION ${role}; ${elsewhere}`,
        },
      );
    }
    if (p.usageOnSchema === false) {
      return new ApplyConfigurationError(
        `could not use the history table ${this}: role ${p.role} has no USAGE privilege on its schema ${this.schema}${why}`,
        {
          hint: `as an administrator, run GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${role} (CREATE lets apply create the table), or ALTER SCHEMA ${schema} OWNER TO ${role}; ${elsewhere}`,
        },
      );
    }
    if (tableExists !== true && p.createInSchema === false) {
      return new ApplyConfigurationError(
        `could not create the history table ${this}: creating a table in schema ${this.schema} needs the CREATE privilege on it, which role ${p.role} does not have${why}`,
        {
          hint: `as an administrator, run GRANT CREATE ON SCHEMA ${schema} TO ${role}, or create the table beforehand by running apply once as a role that may; ${elsewhere}`,
        },
      );
    }
    return new ApplyConfigurationError(`could not read or write the history table ${this} as role ${p.role}${why}`, {
      hint: `as an administrator, run GRANT SELECT, INSERT, UPDATE ON TABLE ${this.qualified} TO ${role} (or ALTER TABLE ${this.qualified} OWNER TO ${role}); ${elsewhere}`,
    });
  }

  /**
   * For a dry run, when the table does not exist: what apply would do about it, and the error it would
   * hit when the role may not create it (undefined when it may).
   */
  async creationPlan(
    client: pg.Client,
  ): Promise<{ readonly schemaExists: boolean; readonly problem?: ApplyConfigurationError }> {
    const schemaExists = await this.schemaExists(client);
    const p = await this.privileges(client);
    const may = schemaExists ? p.usageOnSchema === true && p.createInSchema === true : p.createSchema;
    return { schemaExists, problem: may ? undefined : this.privilegeError(p, schemaExists, false) };
  }

  /**
   * Throws a DbActionError when the relation exists but is not a db-action history table (it lacks
   * the history columns): another tool's or the application's table of that name, left untouched.
   */
  async assertIsHistory(client: pg.Client): Promise<void> {
    const r = await client.query<{ name: string }>(
      'SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped',
      [this.qualified],
    );
    const have = new Set(r.rows.map((row) => row.name));
    const missing = HISTORY_COLUMNS.filter((c) => !have.has(c));
    if (missing.length === 0) return;
    const more = missing.length > 1 ? ` and ${missing.length - 1} more of its columns` : '';
    throw new ApplyConfigurationError(
      `the history table ${this} exists but is not a db-action history table (it has no column "${missing[0]}"${more})`,
      {
        hint: `choose another history-table (e.g. db_action.schema_migrations, the default) for db-action's own history; ${this} is left untouched`,
      },
    );
  }

  /** Every row, oldest first. Throws a DbActionError when the table is not a db-action history table. */
  async read(client: pg.Client): Promise<HistoryRow[]> {
    try {
      return await this.readRows(client);
    } catch (e) {
      throw await this.explained(client, e, true);
    }
  }

  private async readRows(client: pg.Client): Promise<HistoryRow[]> {
    await this.assertIsHistory(client);
    const r = await client.query<{
      key: string;
      version: string;
      name: string;
      repeatable: boolean;
      file: string | null;
      checksum: string;
      status: HistoryStatus;
      applied_at: Date;
      execution_ms: number | null;
      applied_by: string | null;
      error: string | null;
      failed_statement: number | null;
      statements_done: number;
      done_checksum: string | null;
    }>(`SELECT * FROM ${this.qualified} ORDER BY applied_at, key`);
    return r.rows.map((row) => ({
      key: row.key,
      version: row.version,
      name: row.name,
      repeatable: row.repeatable,
      file: row.file,
      checksum: row.checksum,
      status: row.status,
      appliedAt: row.applied_at,
      executionMs: row.execution_ms,
      appliedBy: row.applied_by,
      error: row.error,
      failedStatement: row.failed_statement,
      statementsDone: row.statements_done,
      doneChecksum: row.done_checksum,
    }));
  }

  /**
   * SQL (literals inlined, so it can ride in a multi-statement query) that records `entry` as `status`
   * in the current transaction; execution time is measured from `db_action.started` (set by the runner
   * when it opens the transaction), else from the transaction start.
   */
  upsertSql(entry: HistoryEntry, status: HistoryStatus, appliedBy: string, measureFromTxStart = true): string {
    const since = `coalesce(nullif(current_setting('db_action.started', true), '')::timestamptz, now())`;
    const ms = measureFromTxStart ? `(extract(epoch FROM clock_timestamp() - ${since}) * 1000)::integer` : 'NULL';
    return `INSERT INTO ${this.qualified} AS h (key, version, name, repeatable, file, checksum, status, applied_at, execution_ms, applied_by, error, failed_statement, statements_done, done_checksum)
VALUES (${literal(historyKey(entry))}, ${literal(entry.version)}, ${literal(entry.name)}, ${entry.repeatable}, ${literal(entry.file)}, ${literal(entry.checksum)}, ${literal(status)}, clock_timestamp(), ${ms}, current_user || ' (' || ${literal(appliedBy)} || ')', NULL, NULL, 0, NULL)
ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, file = EXCLUDED.file, checksum = EXCLUDED.checksum,
  status = EXCLUDED.status, applied_at = EXCLUDED.applied_at, execution_ms = EXCLUDED.execution_ms, applied_by = EXCLUDED.applied_by,
  error = NULL, failed_statement = NULL, statements_done = 0, done_checksum = NULL`;
  }

  /** `upsertSql` returning a marker row (`db_action_key`, `db_action_ms`) so a batch can tell its files' results apart. */
  upsertReturningSql(entry: HistoryEntry, appliedBy: string): string {
    return `${this.upsertSql(entry, 'applied', appliedBy)}\nRETURNING key AS db_action_key, execution_ms AS db_action_ms`;
  }

  /** Status of the rows with these keys (to find which files of a failed batch committed). */
  async statusOf(
    client: pg.Client,
    keys: readonly string[],
  ): Promise<Map<string, { status: HistoryStatus; checksum: string; executionMs: number | null }>> {
    const r = await client.query<{ key: string; status: HistoryStatus; checksum: string; execution_ms: number | null }>(
      `SELECT key, status, checksum, execution_ms FROM ${this.qualified} WHERE key = ANY($1::text[])`,
      [keys],
    );
    return new Map(
      r.rows.map((row) => [row.key, { status: row.status, checksum: row.checksum, executionMs: row.execution_ms }]),
    );
  }

  /** Records a failure (outside any migration transaction). */
  async recordFailure(
    client: pg.Client,
    entry: HistoryEntry,
    details: {
      appliedBy: string;
      error: string;
      failedStatement: number | null;
      statementsDone: number;
      doneChecksum: string | null;
      executionMs: number;
    },
  ): Promise<void> {
    await client.query(
      `INSERT INTO ${this.qualified} (key, version, name, repeatable, file, checksum, status, applied_at, execution_ms, applied_by, error, failed_statement, statements_done, done_checksum)
VALUES ($1, $2, $3, $4, $5, $6, 'failed', clock_timestamp(), $7, current_user || ' (' || $8 || ')', $9, $10, $11, $12)
ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, file = EXCLUDED.file, checksum = EXCLUDED.checksum,
  status = 'failed', applied_at = EXCLUDED.applied_at, execution_ms = EXCLUDED.execution_ms, applied_by = EXCLUDED.applied_by,
  error = EXCLUDED.error, failed_statement = EXCLUDED.failed_statement, statements_done = EXCLUDED.statements_done, done_checksum = EXCLUDED.done_checksum`,
      [
        historyKey(entry),
        entry.version,
        entry.name,
        entry.repeatable,
        entry.file,
        entry.checksum,
        Math.round(details.executionMs),
        details.appliedBy,
        details.error,
        details.failedStatement,
        details.statementsDone,
        details.doneChecksum,
      ],
    );
  }

  /** SQL marking a non-transactional migration as running from `statementsDone` (autocommit; literals inlined). */
  markRunningSql(entry: HistoryEntry, appliedBy: string, statementsDone: number, doneChecksum: string): string {
    return `INSERT INTO ${this.qualified} AS h (key, version, name, repeatable, file, checksum, status, applied_at, execution_ms, applied_by, error, failed_statement, statements_done, done_checksum)
VALUES (${literal(historyKey(entry))}, ${literal(entry.version)}, ${literal(entry.name)}, ${entry.repeatable}, ${literal(entry.file)}, ${literal(entry.checksum)}, 'running', clock_timestamp(), NULL, current_user || ' (' || ${literal(appliedBy)} || ')', NULL, NULL, ${literal(statementsDone)}, ${literal(doneChecksum)})
ON CONFLICT (key) DO UPDATE SET version = EXCLUDED.version, name = EXCLUDED.name, file = EXCLUDED.file, checksum = EXCLUDED.checksum,
  status = 'running', applied_at = EXCLUDED.applied_at, execution_ms = NULL, applied_by = EXCLUDED.applied_by,
  error = NULL, failed_statement = NULL, statements_done = EXCLUDED.statements_done, done_checksum = EXCLUDED.done_checksum`;
  }

  /** Records that statements 0..done-1 of a non-transactional migration are done. */
  async markProgress(
    client: pg.Client,
    entry: HistoryEntry,
    statementsDone: number,
    doneChecksum: string,
  ): Promise<void> {
    await client.query(`UPDATE ${this.qualified} SET statements_done = $2, done_checksum = $3 WHERE key = $1`, [
      historyKey(entry),
      statementsDone,
      doneChecksum,
    ]);
  }

  /** SQL finishing a non-transactional migration (literals inlined). */
  markAppliedSql(entry: HistoryEntry, executionMs: number, statementsDone: number, doneChecksum: string): string {
    return `UPDATE ${this.qualified} SET status = 'applied', execution_ms = ${literal(executionMs)}, statements_done = ${literal(statementsDone)},
  done_checksum = ${literal(doneChecksum)}, error = NULL, failed_statement = NULL, checksum = ${literal(entry.checksum)}, applied_at = clock_timestamp()
WHERE key = ${literal(historyKey(entry))}`;
  }
}
