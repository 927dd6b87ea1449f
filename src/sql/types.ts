/**
 * Statements of one migration, split by the real PostgreSQL parser (libpg-query).
 * Contract shared by lint and apply; implemented in src/sql/.
 */

/** A directive from a comment, e.g. `-- db-action:nolint destructive`, `-- atlas:nolint DS103`, `-- squawk-ignore ban-drop-column`. */
export interface NolintDirective {
  /** Which spelling it came from. */
  readonly source: 'db-action' | 'atlas' | 'squawk';
  /** Rule ids or categories named; empty = everything. */
  readonly names: readonly string[];
  /** 1-based line of the comment in the file. */
  readonly line: number;
}

export interface Statement {
  /** 0-based index within its migration. */
  readonly index: number;
  /** Exact statement text as written (no trailing `;`, leading comments excluded). */
  readonly text: string;
  /** 1-based first line of the statement in the FILE (dbmate sections already offset). */
  readonly startLine: number;
  /** 1-based last line of the statement in the file. */
  readonly endLine: number;
  /** Top-level node type from the parse tree, e.g. `CreateStmt`, `AlterTableStmt`, `IndexStmt`. */
  readonly kind: string;
  /** The statement's node (`{ CreateStmt: {...} }`), as libpg-query returns it. */
  readonly ast: Record<string, unknown>;
  /** False for statements PostgreSQL refuses inside a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, …). */
  readonly transactional: boolean;
  /** True for BEGIN/START TRANSACTION/COMMIT/END/ROLLBACK written in the file. */
  readonly transactionControl: boolean;
  /** nolint directives on the comment line(s) directly above the statement. */
  readonly nolint: readonly NolintDirective[];
}

export interface ParsedMigration {
  readonly statements: readonly Statement[];
  /** File-level transaction directive (`-- db-action:tx-mode none`, `-- atlas:txmode none`), if any. */
  readonly txMode?: 'none' | 'file';
}
