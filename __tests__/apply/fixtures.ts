/** Temp migration directories and small DB helpers for the apply tests. */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { withClient } from '../../src/db/client.js';
import { MemoryLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/pg.js';

/** `../shared/corpus/<name>` resolved from this file (repo root's sibling). */
export function corpusDir(name: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'corpus', name);
}

export class TempDir {
  readonly path: string;
  constructor(prefix = 'db-action-apply-') {
    this.path = mkdtempSync(join(tmpdir(), prefix));
  }
  /** Writes `files` (relative path -> content) into the directory. */
  write(files: Record<string, string>): this {
    for (const [rel, content] of Object.entries(files)) {
      const abs = join(this.path, rel);
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
    return this;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

/** Runs one query on a fresh connection and returns its rows. */
export async function rows<T extends Record<string, unknown> = Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  return withClient(url, async (c) => (await c.query<T>(sql, params)).rows, {
    applicationName: 'db-action apply tests',
  });
}

export async function exists(url: string, relation: string): Promise<boolean> {
  const r = await rows<{ ok: boolean }>(url, 'SELECT to_regclass($1) IS NOT NULL AS ok', [relation]);
  return r[0]?.ok ?? false;
}

export type HistoryRowLite = {
  key: string;
  status: string;
  statements_done: number;
  failed_statement: number | null;
  error: string | null;
  checksum: string;
  applied_by: string | null;
  execution_ms: number | null;
};

export async function historyRows(url: string, table = 'db_action.schema_migrations'): Promise<HistoryRowLite[]> {
  return rows<HistoryRowLite>(url, `SELECT * FROM ${table} ORDER BY key`);
}

/** What every apply test starts from: a fresh database and migration folder, and the apply options naming them. */
export interface ApplyTestBed {
  db: TestDatabase;
  dir: TempDir;
  /** Options for `apply`/`status` on `db` and `dir` (plain format, a fresh MemoryLogger each call). */
  base(): {
    databaseUrl: string;
    dir: string;
    format: 'plain';
    logger: MemoryLogger;
    cwd: string;
    lockRetryDelayMs?: number;
  };
}

/** Registers beforeEach/afterEach that give each test of the file a fresh database (`name_*`) and folder. */
export function applyTestBed(name: string, extra: { lockRetryDelayMs?: number } = {}): ApplyTestBed {
  const bed = {
    base: () => ({
      databaseUrl: bed.db.url,
      dir: bed.dir.path,
      format: 'plain' as const,
      logger: new MemoryLogger(),
      cwd: bed.dir.path,
      ...extra,
    }),
  } as ApplyTestBed;
  beforeEach(async () => {
    bed.db = await createTestDatabase(name);
    bed.dir = new TempDir();
  });
  afterEach(async () => {
    await bed.db.drop();
    bed.dir.remove();
  });
  return bed;
}
