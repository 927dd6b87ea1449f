/** Hand-made lint reports for the reporter tests (shapes as src/lint/types.ts defines them). */
import type { Finding, LintReport } from '../../src/lint/types.js';

export const dropColumn: Finding = {
  file: 'db/migrations/20240102000000_drop_email.sql',
  line: 3,
  endLine: 4,
  rule: 'drop-column',
  category: 'destructive',
  severity: 'error',
  message: 'Drops column public.users.email, which holds data in production.',
  suggestion: 'Stop reading the column in the application first, deploy, then drop it in a later migration.',
};

export const addIndex: Finding = {
  file: 'db/migrations/20240103000000_index.sql',
  line: 1,
  endLine: 1,
  rule: 'create-index-non-concurrently',
  category: 'blocking-lock',
  severity: 'warning',
  message: 'Builds index users_name_idx on public.users while holding a ShareLock that blocks writes.',
  suggestion: 'Use CREATE INDEX CONCURRENTLY in a migration of its own.',
  evidence: ['lock: ShareLock on public.users'],
};

export const setNotNull: Finding = {
  file: 'db/migrations/20240103000000_index.sql',
  line: 3,
  endLine: 3,
  rule: 'set-not-null',
  category: 'data-dependent',
  severity: 'notice',
  message: 'SET NOT NULL on public.users.name fails if any row holds NULL | scans the table.',
};

export function sampleReport(overrides: Partial<LintReport> = {}): LintReport {
  return {
    findings: [dropColumn, addIndex, setNotNull],
    files: [
      {
        file: 'db/migrations/20240102000000_drop_email.sql',
        version: '20240102000000',
        status: 'new',
        durationMs: 12.4,
        findings: [dropColumn],
        statements: [
          {
            index: 0,
            line: 3,
            endLine: 4,
            sql: 'ALTER TABLE users\n  DROP COLUMN email',
            kind: 'AlterTableStmt',
            durationMs: 3.2,
            locks: [{ relation: 'public.users', mode: 'AccessExclusiveLock' }],
            rewritten: [],
            transactional: true,
          },
        ],
      },
      {
        file: 'db/migrations/20240103000000_index.sql',
        version: '20240103000000',
        status: 'new',
        durationMs: 48,
        findings: [addIndex, setNotNull],
        statements: [
          {
            index: 0,
            line: 1,
            endLine: 1,
            sql: 'CREATE INDEX users_name_idx ON users (name)',
            kind: 'IndexStmt',
            durationMs: 20,
            locks: [{ relation: 'public.users', mode: 'ShareLock' }],
            rewritten: [],
            transactional: true,
          },
          {
            index: 1,
            line: 3,
            endLine: 3,
            sql: 'ALTER TABLE users ALTER COLUMN name SET NOT NULL',
            kind: 'AlterTableStmt',
            durationMs: 5,
            locks: [{ relation: 'public.users', mode: 'AccessExclusiveLock' }],
            rewritten: ['public.users'],
            transactional: true,
          },
        ],
      },
    ],
    baseCount: 1,
    newCount: 2,
    format: 'plain',
    dir: 'db/migrations',
    devDatabase: { provider: 'local', serverVersionNum: 150010, startupMs: 830 },
    durationMs: 1520,
    failed: true,
    failOn: ['destructive', 'apply-error', 'history-modified'],
    ...overrides,
  };
}

export function cleanReport(): LintReport {
  const r = sampleReport();
  return {
    ...r,
    findings: [],
    files: r.files.map((f) => ({ ...f, findings: [] })),
    failed: false,
  };
}

/** A report with `n` findings, for truncation tests. */
export function bigReport(n: number): LintReport {
  const findings: Finding[] = Array.from({ length: n }, (_, i) => ({
    ...addIndex,
    line: i + 1,
    endLine: i + 1,
    message: `Builds index idx_${i} on public.big_table_${i} while holding a ShareLock that blocks writes for the whole build.`,
  }));
  const r = sampleReport();
  return { ...r, findings, files: [{ ...r.files[1]!, findings }] };
}
