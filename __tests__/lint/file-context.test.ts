/** Rules that read what earlier statements of the same file set up (built-in rules, real PostgreSQL). */
import { lintChange, removeChangeRepos } from './change-repo.js';

afterAll(removeChangeRepos);

const BASE = "CREATE TABLE e (id int, at timestamp);\nINSERT INTO e VALUES (1, '2024-01-01');\n";

describe('timezone-dependent-rewrite and the file’s own SET TimeZone', () => {
  it('warns without it', async () => {
    const r = await lintChange(BASE, 'ALTER TABLE e ALTER COLUMN at TYPE timestamptz;\n');
    expect(r.findings.map((f) => `${f.line} ${f.rule}`)).toContain('1 timezone-dependent-rewrite');
  });

  it('is silent after SET LOCAL TimeZone = UTC in the same file (the fix it recommends)', async () => {
    const r = await lintChange(BASE, "SET LOCAL TimeZone = 'UTC';\nALTER TABLE e ALTER COLUMN at TYPE timestamptz;\n");
    expect(r.findings.filter((f) => f.rule === 'timezone-dependent-rewrite')).toEqual([]);
  });

  it('warns again when the file sets another zone last', async () => {
    const r = await lintChange(
      BASE,
      "SET LOCAL TimeZone = 'UTC';\nSET LOCAL TimeZone = 'Europe/Paris';\nSET LOCAL TimeZone = 'UTC';\nRESET TimeZone;\nALTER TABLE e ALTER COLUMN at TYPE timestamptz;\n",
    );
    // RESET goes back to the server's zone: not known to be UTC in production.
    expect(r.findings.map((f) => f.rule)).toContain('timezone-dependent-rewrite');
  });
});
