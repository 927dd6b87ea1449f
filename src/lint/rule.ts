/**
 * The rule interface: one rule a file in src/lint/rules/, each judging one statement of a NEW migration
 * from its parse tree plus what the tracer observed on the dev database.
 */
import type { Statement } from '../sql/types.js';
import type { Category, ObservedLock, Severity } from './types.js';

export type CatalogObjectKind =
  | 'schema'
  | 'table'
  | 'column'
  | 'index'
  | 'constraint'
  | 'view'
  | 'matview'
  | 'sequence'
  | 'type'
  | 'function'
  | 'trigger'
  | 'extension';

/** An object in the catalog, named the way a reviewer reads it. */
export interface CatalogObject {
  readonly kind: CatalogObjectKind;
  /** Qualified name: `public.users`, column `public.users.email`, index `public.users_email_idx`, constraint `public.users.users_pkey`, function `public.f(integer)`. */
  readonly name: string;
  /** For columns, indexes, constraints, triggers: the qualified table (`public.users`). */
  readonly table?: string;
}

/** A column or constraint whose definition changed (type, nullability, default, validation). */
export interface CatalogChange {
  readonly object: CatalogObject;
  readonly before: string;
  readonly after: string;
}

/** An object that is still there under another name (same oid / attnum). */
export interface CatalogRename {
  readonly from: CatalogObject;
  readonly to: CatalogObject;
}

export interface CatalogDiff {
  readonly created: readonly CatalogObject[];
  /** Names gone after the statement: real drops, and the old names of `renamed` objects. */
  readonly dropped: readonly CatalogObject[];
  readonly changed: readonly CatalogChange[];
  /** Objects renamed or moved, not dropped (their old names are in `dropped` unless a new object took them). */
  readonly renamed?: readonly CatalogRename[];
  /** Names whose object was dropped and another one created under the same name (not in `dropped`). */
  readonly replaced?: readonly CatalogObject[];
}

/** What executing one statement on the dev database really did (observed before commit). */
export interface StatementTrace {
  /** Relation-level locks our backend held on relations that existed before the statement. */
  readonly locks: readonly ObservedLock[];
  /**
   * In a file traced as one transaction: locks on the statement's own relations that earlier statements of the file
   * took (marked `earlier`); the statement runs under them. Evidence, not what the statement itself took.
   */
  readonly heldLocks?: readonly ObservedLock[];
  /** Tables (qualified) that existed before the statement and whose relfilenode changed. */
  readonly rewritten: readonly string[];
  readonly diff: CatalogDiff;
  readonly durationMs: number;
  /** False when it had to run outside a transaction (then locks are not observable: judge from AST + diff). */
  readonly transactional: boolean;
  /** Set when the statement failed; then diff/locks are empty. */
  readonly error?: { readonly message: string; readonly code?: string };
}

export interface RuleContext {
  /** Repo-relative path of the migration file. */
  readonly file: string;
  readonly statement: Statement;
  readonly trace: StatementTrace;
  /**
   * True if the object existed before the change under review (in the base migrations). Objects created
   * earlier in the same change are NOT pre-existing: touching them is never a finding.
   * Accepts the qualified names used in CatalogObject (`public.users`, `public.users.email`, …) and
   * unqualified relation names (resolved against the search_path, i.e. `public`).
   */
  isPreexisting(kind: CatalogObjectKind, name: string): boolean;
  /**
   * Optional: true if the object already had this very name on the base (renaming it breaks code using the name);
   * false for a name given during the change, even to a base object. Rules assume isPreexisting when absent.
   */
  isBaseName?(kind: CatalogObjectKind, name: string): boolean;
  /**
   * Optional: every statement of the same file, in order (`statement.index` is this one's place); those before it
   * set up the session it runs in (SET …).
   */
  readonly fileStatements?: readonly Statement[];
  /**
   * Optional: the objects on a qualified table (columns, indexes, constraints, triggers) as they were just
   * BEFORE this statement, with their catalog definitions (e.g. constraint `CHECK ((c IS NOT NULL))`).
   * Lets a rule recognise the safe path (set-not-null after a validated CHECK). Rules assume the worst
   * when it is absent.
   */
  objectsOn?(table: string): readonly { readonly object: CatalogObject; readonly def: string }[];
}

/** What a rule reports; the engine adds file, lines, rule id, category and the configured severity. */
export interface RuleHit {
  readonly message: string;
  readonly suggestion?: string;
  readonly evidence?: readonly string[];
  /** Override the rule's default severity for this hit (e.g. notice for a cheap case). */
  readonly severity?: Severity;
}

export interface Rule {
  /** Kebab-case id, e.g. `drop-column`. Also accepted in nolint directives. */
  readonly id: string;
  readonly category: Category;
  readonly defaultSeverity: Severity;
  /** One-line summary for docs and SARIF rule metadata. */
  readonly summary: string;
  /** Longer docs text (Markdown): why it is dangerous, what to do instead. */
  readonly docs: string;
  check(ctx: RuleContext): readonly RuleHit[];
}
