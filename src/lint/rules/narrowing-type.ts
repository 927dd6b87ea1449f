/**
 * data-dependent: ALTER COLUMN … TYPE to a narrower type (shorter varchar, smaller integer, less numeric
 * precision) or to a type the existing values may not convert to. Judged from the column's type before and
 * after, as the dev database reports it.
 */
import type { Rule, RuleHit } from '../rule.js';
import { alterTableOnTable } from './ast.js';
import { qualified } from './evidence.js';

/** The type part of a column definition as the catalog snapshot prints it (`character varying(20) NOT NULL DEFAULT …`). */
export function typeOfDef(def: string): string {
  const cut = def.search(/ (NOT NULL|IDENTITY|GENERATED AS|DEFAULT )/);
  return (cut < 0 ? def : def.slice(0, cut)).trim();
}

const INT_RANK: Readonly<Record<string, number>> = { smallint: 1, integer: 2, bigint: 3 };
const INT_DIGITS: Readonly<Record<string, number>> = { smallint: 5, integer: 10, bigint: 19 };
const FLOAT_RANK: Readonly<Record<string, number>> = { real: 1, 'double precision': 2 };

interface StringType {
  readonly max: number;
}

function stringType(t: string): StringType | undefined {
  if (t === 'text' || t === 'character varying') return { max: Infinity };
  const m = /^(character varying|character|bpchar)\((\d+)\)$/.exec(t);
  if (m) return { max: Number(m[2]) };
  if (t === 'character' || t === 'bpchar') return { max: 1 };
  return undefined;
}

interface NumericType {
  readonly precision: number;
  readonly scale: number;
}

function numericType(t: string): NumericType | undefined {
  if (t === 'numeric') return { precision: Infinity, scale: Infinity };
  const m = /^numeric\((\d+)(?:,(\d+))?\)$/.exec(t);
  return m ? { precision: Number(m[1]), scale: Number(m[2] ?? 0) } : undefined;
}

/** Why changing `before` to `after` can fail on, or lose part of, existing values; undefined when it cannot. */
export function narrowingReason(before: string, after: string): string | undefined {
  if (before === after) return undefined;
  const bi = INT_RANK[before];
  const ai = INT_RANK[after];
  if (bi !== undefined && ai !== undefined)
    return ai < bi ? `values outside the ${after} range make it fail` : undefined;
  const bs = stringType(before);
  const as = stringType(after);
  if (bs && as) return as.max < bs.max ? `longer values make it fail` : undefined;
  if (bs && !as) return `values that do not convert to ${after} make it fail`;
  const bn = numericType(before);
  const an = numericType(after);
  if (bn && an) {
    if (an.scale < bn.scale) return `digits after the decimal point are rounded away`;
    if (an.precision - an.scale < bn.precision - bn.scale) return `larger values make it fail (numeric field overflow)`;
    return undefined;
  }
  if (bi !== undefined && an) {
    const digits = INT_DIGITS[before] ?? 19;
    return an.precision - an.scale < digits ? `larger values make it fail (numeric field overflow)` : undefined;
  }
  const bf = FLOAT_RANK[before];
  const af = FLOAT_RANK[after];
  if (bf !== undefined && af !== undefined) return af < bf ? `precision is lost` : undefined;
  if ((bf !== undefined || bn) && ai !== undefined)
    return `fractional parts are rounded away and large values make it fail`;
  if (bn && af !== undefined) return `exact decimal values become approximate`;
  if (/^timestamp/.test(before) && after === 'date') return `the time of day is lost`;
  return undefined;
}

export const narrowingType: Rule = {
  id: 'narrowing-type',
  category: 'data-dependent',
  defaultSeverity: 'warning',
  summary:
    'ALTER COLUMN TYPE to a narrower type (or one values may not convert to) fails or loses data on existing rows.',
  docs: `Changing a column to a narrower type converts every existing value: \`varchar(255)\` → \`varchar(50)\` or
\`text\` → \`varchar(n)\` fails on longer strings, \`bigint\` → \`integer\` on large numbers, \`numeric(12,2)\` →
\`numeric(8,2)\` on large amounts; a smaller scale or \`timestamp\` → \`date\` silently rounds values away; \`text\` →
\`integer\`/\`uuid\`/… fails on any value that does not convert. The empty dev database cannot tell: production can.

The rule compares the column's type before and after the statement on the dev database, so widening
(\`varchar(50)\` → \`varchar(255)\`, \`int\` → \`bigint\`) is not reported here (a rewrite it causes is reported by
\`table-rewrite\`). Columns added earlier in the same change are not reported.

**Instead:** check the data first (\`SELECT max(length(c)) FROM t\`, \`SELECT count(*) FROM t WHERE c > 2147483647\`),
or add a \`CHECK\` constraint \`NOT VALID\` + \`VALIDATE\` that proves the values fit before changing the type; or add
a new column, backfill it explicitly and switch over.`,
  check(ctx) {
    const a = alterTableOnTable(ctx.statement.ast);
    if (!a) return [];
    const table = qualified(ctx, a.relation);
    const hits: RuleHit[] = [];
    for (const cmd of a.cmds) {
      if (cmd.subtype !== 'AT_AlterColumnType' || !cmd.name) continue;
      const column = `${table}.${cmd.name}`;
      if (!ctx.isPreexisting('column', column)) continue;
      const change = ctx.trace.diff.changed.find((c) => c.object.kind === 'column' && c.object.name === column);
      if (!change) continue;
      const before = typeOfDef(change.before);
      const after = typeOfDef(change.after);
      const reason = narrowingReason(before, after);
      if (!reason) continue;
      hits.push({
        message: `Changes ${column} from ${before} to ${after}: ${reason} on existing rows.`,
        suggestion: `Check production data fits ${after} first (or prove it with a CHECK … NOT VALID + VALIDATE CONSTRAINT), or add a new ${after} column, backfill it explicitly and switch over.`,
        evidence: [`changed: column ${column}: ${change.before} → ${change.after}`],
      });
    }
    return hits;
  },
};
