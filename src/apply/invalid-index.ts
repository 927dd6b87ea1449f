/**
 * A CREATE INDEX CONCURRENTLY that fails or is cancelled leaves an INVALID index behind
 * (`pg_index.indisvalid = false`): found here so the error can name it and say how to clean up.
 */
import type pg from 'pg';

import type { Statement } from '../sql/types.js';

export interface ConcurrentIndexTarget {
  /** `"schema"."table"` or `"table"` as written. */
  readonly table: string;
  /** Index name when written. */
  readonly index?: string;
}

function q(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The table and index of a CREATE INDEX CONCURRENTLY statement (undefined for anything else). */
export function concurrentIndexTarget(statement: Pick<Statement, 'ast'>): ConcurrentIndexTarget | undefined {
  const n = statement.ast.IndexStmt as
    { concurrent?: boolean; idxname?: string; relation?: { schemaname?: string; relname?: string } } | undefined;
  if (!n?.concurrent || !n.relation?.relname) return undefined;
  const table = n.relation.schemaname ? `${q(n.relation.schemaname)}.${q(n.relation.relname)}` : q(n.relation.relname);
  return { table, index: n.idxname || undefined };
}

export interface IndexState {
  readonly schema: string;
  readonly name: string;
  readonly valid: boolean;
}

/** Indexes of the target's table (only the named one when the statement names it). */
export async function indexStates(client: pg.Client, target: ConcurrentIndexTarget): Promise<IndexState[]> {
  const r = await client.query<{ schema: string; name: string; valid: boolean }>(
    `SELECT n.nspname AS schema, c.relname AS name, i.indisvalid AS valid
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE i.indrelid = to_regclass($1) AND ($2::text IS NULL OR c.relname = $2)`,
    [target.table, target.index ?? null],
  );
  return r.rows;
}

/** The INVALID indexes a CREATE INDEX CONCURRENTLY left behind. */
export async function invalidIndexes(client: pg.Client, target: ConcurrentIndexTarget): Promise<IndexState[]> {
  return (await indexStates(client, target)).filter((s) => !s.valid);
}

export function invalidIndexHint(indexes: readonly IndexState[]): string {
  const names = indexes.map((i) => `${q(i.schema)}.${q(i.name)}`);
  return `CREATE INDEX CONCURRENTLY left INVALID index ${names.join(', ')}: drop it with ${names
    .map((n) => `DROP INDEX CONCURRENTLY ${n};`)
    .join(' ')} and rerun`;
}
