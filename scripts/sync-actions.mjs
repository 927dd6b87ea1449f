#!/usr/bin/env node
// Generates the short-path actions `lint/action.yml` and `apply/action.yml` from their one source of truth,
// `action-lint/action.yml` and `action-apply/action.yml`, so both `uses: <owner>/db-action/lint@v1` and
// `uses: <owner>/db-action/action-lint@v1` work. `runs.main` is re-resolved for the target folder (both are one
// level deep, so it stays `../dist/<name>/index.js`).
//
//   node scripts/sync-actions.mjs          write the generated files
//   node scripts/sync-actions.mjs --check  exit 1 (listing the stale files) when they differ from the sources
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Source action folder -> generated folder. */
export const ACTION_PAIRS = [
  { source: 'action-lint', target: 'lint' },
  { source: 'action-apply', target: 'apply' },
];

/** The generated text of `<target>/action.yml` for a source action.yml text. */
export function generateActionYml(sourceText, source, target) {
  const header =
    `# GENERATED from ${source}/action.yml by scripts/sync-actions.mjs: do not edit.\n` +
    `# Edit ${source}/action.yml and run \`npm run build\` (or \`node scripts/sync-actions.mjs\`).\n`;
  const body = sourceText.replace(/^([ \t]+main:[ \t]*)(['"]?)([^'"\n]+)\2[ \t]*$/m, (_m, lead, quote, mainPath) => {
    const fromRoot = posix.normalize(posix.join(source, mainPath));
    const rel = posix.relative(target, fromRoot);
    return `${lead}${quote}${rel}${quote}`;
  });
  return header + body;
}

/** Compares (check) or writes the generated files; returns the list of stale target paths. */
export function syncActions({ check = false, rootDir = root } = {}) {
  const stale = [];
  for (const { source, target } of ACTION_PAIRS) {
    const srcPath = join(rootDir, source, 'action.yml');
    const outPath = join(rootDir, target, 'action.yml');
    if (!existsSync(srcPath)) throw new Error(`missing ${relative(rootDir, srcPath)}`);
    const want = generateActionYml(readFileSync(srcPath, 'utf8'), source, target);
    const have = existsSync(outPath) ? readFileSync(outPath, 'utf8') : undefined;
    if (have === want) continue;
    stale.push(relative(rootDir, outPath));
    if (!check) {
      mkdirSync(dirname(outPath), { recursive: true });
      writeFileSync(outPath, want);
    }
  }
  return stale;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const check = process.argv.includes('--check');
  const stale = syncActions({ check });
  if (check && stale.length > 0) {
    console.error(
      `sync-actions: ${stale.join(', ')} ${stale.length === 1 ? 'is' : 'are'} out of date with action-lint/action.yml / ` +
        'action-apply/action.yml. Run `node scripts/sync-actions.mjs` (or `npm run build`) and commit the result.',
    );
    process.exit(1);
  }
  if (!check) console.log(stale.length ? `sync-actions: wrote ${stale.join(', ')}` : 'sync-actions: up to date');
  else console.log('sync-actions: lint/action.yml and apply/action.yml match their sources');
}
