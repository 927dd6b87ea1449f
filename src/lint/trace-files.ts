/**
 * Tracing the new migrations of one lint run, file by file and statement by statement, over one
 * dev-database session, and running the rules on each traced statement.
 */
import { errorMessage, isDbActionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { MigrationFile } from '../migrations/types.js';
import type { ParsedMigration } from '../sql/types.js';
import type { CatalogSnapshot, Queryable } from './catalog.js';
import { ChangeTracker } from './context.js';
import { engineFinding, findingsFromHits, type SeverityConfig } from './findings.js';
import { pgMessage, round, sqlPreview } from './format.js';
import { isTransactionalFile } from '../sql/transaction.js';
import { ONE_TRANSACTION_CODES, oneTransactionHint } from './one-transaction.js';
import { parseMigrationFile } from './parse.js';
import type { Rule, RuleContext } from './rule.js';
import { traceStatement, type FileTransaction } from './trace.js';
import type { FileReport, Finding, StatementReport } from './types.js';

/** `SET [LOCAL] statement_timeout|lock_timeout …`: the tracer's own queries must not run under it. */
function setsTimeout(stmt: { readonly ast: Record<string, unknown> }): boolean {
  const name = (stmt.ast.VariableSetStmt as { name?: unknown } | undefined)?.name;
  return name === 'statement_timeout' || name === 'lock_timeout';
}

export interface TraceFileOutcome {
  readonly report: FileReport;
  /** A statement failed (or the file did not parse): later files must not be traced. */
  readonly failed: boolean;
}

export interface ChangeTracerOptions {
  readonly rules: readonly Rule[];
  readonly severities?: SeverityConfig;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
}

export class ChangeTracer {
  private snapshot: CatalogSnapshot;
  private readonly tracker: ChangeTracker;
  private readonly client: Queryable;
  private readonly options: ChangeTracerOptions;

  /** `baseline`: the catalog after the base replay. */
  constructor(client: Queryable, baseline: CatalogSnapshot, options: ChangeTracerOptions) {
    this.client = client;
    this.options = options;
    this.snapshot = baseline;
    this.tracker = new ChangeTracker(baseline);
  }

  /** Ends the file's transaction after a failure (the connection may be gone: the lint is over then anyway). */
  private async rollback(): Promise<void> {
    await this.client.query('ROLLBACK').catch(() => undefined);
  }

  /** Runs every rule on one traced statement. A crashing rule is a bug: logged, never fatal to the run. */
  private runRules(ctx: RuleContext): Finding[] {
    const out: Finding[] = [];
    for (const rule of this.options.rules) {
      let hits;
      try {
        hits = rule.check(ctx);
      } catch (e) {
        this.options.logger.warn(
          `rule ${rule.id} crashed on ${ctx.file}:${ctx.statement.startLine} (a db-action bug): ${errorMessage(e)}`,
        );
        continue;
      }
      out.push(...findingsFromHits({ file: ctx.file, statement: ctx.statement }, rule, hits, this.options.severities));
    }
    return out;
  }

  private applyError(
    path: string,
    line: number,
    endLine: number,
    message: string,
    suggestion?: string,
  ): Finding | undefined {
    return engineFinding(this.options.severities, {
      file: path,
      line,
      endLine,
      rule: 'apply-error',
      category: 'apply-error',
      severity: 'error',
      message,
      ...(suggestion ? { suggestion } : {}),
    });
  }

  /** Traces one new file (`path`: repo-relative, used in findings). */
  async traceFile(file: MigrationFile, path: string): Promise<TraceFileOutcome> {
    const started = performance.now();
    const findings: Finding[] = [];
    const statements: StatementReport[] = [];
    const report = (note?: string): FileReport => ({
      file: path,
      version: file.version,
      status: 'new',
      statements,
      durationMs: round(performance.now() - started),
      findings,
      ...(note ? { note } : {}),
    });

    let parsed: ParsedMigration;
    try {
      parsed = await parseMigrationFile(file, path);
    } catch (e) {
      if (!isDbActionError(e)) throw e;
      const line = e.line ?? file.upStartLine;
      const f = this.applyError(path, line, line, `${path} does not parse: ${e.message}`, e.hint);
      if (f) findings.push(f);
      return { report: report('not traced: the file does not parse'), failed: true };
    }

    // A transactional file runs in ONE transaction, as `db-action apply` runs it: errors that only happen there
    // (an enum value used in the transaction that adds it, a DO block that COMMITs, deferred constraints) are seen,
    // and what a statement leaves for the next (a temporary table ON COMMIT DROP) is there. Other files run statement
    // by statement, each committing, as apply runs them.
    const fileTx: FileTransaction | undefined = isTransactionalFile(file.transaction, parsed)
      ? { held: new Set() }
      : undefined;
    const atFileStart = this.snapshot;
    const fail = (line: number, endLine: number, message: string, code: string | undefined, note: string) => {
      const f = this.applyError(
        path,
        line,
        endLine,
        message,
        fileTx && code && ONE_TRANSACTION_CODES.has(code)
          ? oneTransactionHint(code)
          : 'Fix the statement; the rest of this file and later migrations were not traced.',
      );
      if (f) findings.push(f);
      return { report: report(note), failed: true };
    };
    let open = false;
    try {
      if (fileTx) {
        await this.client.query('BEGIN');
        open = true;
      }
      for (const stmt of parsed.statements) {
        this.options.signal?.throwIfAborted();
        const head = {
          index: stmt.index,
          line: stmt.startLine,
          endLine: stmt.endLine,
          sql: sqlPreview(stmt.text),
          kind: stmt.kind,
        };
        if (stmt.transactionControl) {
          statements.push({
            ...head,
            durationMs: 0,
            locks: [],
            rewritten: [],
            transactional: true,
            note: fileTx
              ? 'skipped: explicit transaction control (the file runs in one transaction, as apply runs it)'
              : 'skipped: explicit transaction control (the tracer runs each statement in its own transaction)',
          });
          continue;
        }
        const before = this.snapshot;
        if (fileTx && setsTimeout(stmt)) fileTx.guardTimeouts = true;
        const traced = await traceStatement(this.client, stmt, before, fileTx);
        const after = traced.after;
        // Locks held from earlier statements matter only on relations of the base (a table new in the change has
        // no readers to block).
        const trace = traced.trace.heldLocks
          ? {
              ...traced.trace,
              heldLocks: traced.trace.heldLocks.filter((l) => this.tracker.isPreexistingRelation(l.relation, before)),
            }
          : traced.trace;
        this.snapshot = after;
        statements.push({
          ...head,
          durationMs: round(trace.durationMs),
          locks: [...trace.locks, ...(trace.heldLocks ?? [])],
          rewritten: trace.rewritten,
          transactional: trace.transactional,
          ...(trace.error ? { error: pgMessage(trace.error.message, trace.error.code) } : {}),
        });
        if (trace.error) {
          if (open) {
            open = false;
            await this.rollback();
            this.snapshot = atFileStart;
          }
          return fail(
            stmt.startLine,
            stmt.endLine,
            `The statement fails on PostgreSQL: ${pgMessage(trace.error.message, trace.error.code)}.`,
            trace.error.code,
            `traced up to the failing statement at line ${stmt.startLine}`,
          );
        }
        findings.push(...this.runRules(this.tracker.context(path, stmt, trace, before, parsed.statements, after)));
        this.tracker.record(trace.diff);
      }
      if (open) {
        open = false;
        try {
          await this.client.query('COMMIT');
        } catch (e) {
          await this.rollback();
          this.snapshot = atFileStart;
          const last = [...parsed.statements].reverse().find((s) => !s.transactionControl);
          const line = last?.startLine ?? file.upStartLine;
          const err = e as { message?: unknown; code?: unknown };
          const code = typeof err.code === 'string' ? err.code : undefined;
          return fail(
            line,
            last?.endLine ?? line,
            `The file fails at COMMIT: ${pgMessage(String(err.message ?? e), code)}.`,
            code,
            'fails at COMMIT (deferred constraint): later migrations were not traced',
          );
        }
      }
    } finally {
      if (open) await this.rollback();
    }
    return { report: report(), failed: false };
  }
}
