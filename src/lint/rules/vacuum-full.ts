/** blocking-lock: VACUUM FULL of existing tables (or of the whole database). */
import type { Rule } from '../rule.js';
import { arr, defElemNames, nodeOf, rangeVar } from './ast.js';
import { preexisting, qualified, sqlQualified } from './evidence.js';

export const vacuumFull: Rule = {
  id: 'vacuum-full',
  category: 'blocking-lock',
  defaultSeverity: 'warning',
  summary: 'VACUUM FULL rewrites the table under an AccessExclusiveLock: no reads or writes until it finishes.',
  docs: `\`VACUUM FULL\` copies the whole table into a new file and rebuilds its indexes while holding an
\`AccessExclusiveLock\`: nothing can read or write the table until it is done, and it needs room for a second copy.
Without a table list it does this to every table in the database.

**Instead:** plain \`VACUUM\` (no exclusive lock) is usually enough; to give space back to the operating system
online use \`pg_repack\` or \`pg_squeeze\`, outside the migrations. The rewrite itself is reported by
\`table-rewrite\` when the dev database shows it. Tables created earlier in the same change are not reported.`,
  check(ctx) {
    const v = nodeOf(ctx.statement.ast, 'VacuumStmt');
    if (!v || v.is_vacuumcmd === false || !defElemNames(v.options).includes('full')) return [];
    const rels = arr(v.rels)
      .map((r) => rangeVar(nodeOf(r, 'VacuumRelation')?.relation))
      .filter((r) => r !== undefined);
    if (rels.length === 0) {
      return [
        {
          message: `VACUUM FULL without a table list rewrites every table of the database, each under an AccessExclusiveLock.`,
          suggestion: `Use plain VACUUM, or pg_repack for the tables that need it, outside the migrations.`,
        },
      ];
    }
    return rels
      .filter((r) => preexisting(ctx, 'table', r) || preexisting(ctx, 'matview', r))
      .map((r) => {
        const name = qualified(ctx, r);
        return {
          message: `VACUUM FULL rewrites ${name} under an AccessExclusiveLock: reads and writes wait until it finishes.`,
          suggestion: `Use plain VACUUM ${sqlQualified(name)}, or pg_repack to compact it online, outside the migrations.`,
          evidence: ctx.trace.rewritten.includes(name) ? [`relfilenode changed: ${name} rewritten`] : [],
        };
      });
  },
};
