#!/usr/bin/env node
// Generates the inputs/outputs tables in README.md from action-lint/action.yml and action-apply/action.yml
// (the one source of truth), between `<!-- BEGIN GENERATED: <name> -->` and `<!-- END GENERATED: <name> -->`.
//
//   node scripts/gen-readme.mjs          rewrite README.md
//   node scripts/gen-readme.mjs --check  exit 1 when README.md is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function cell(text) {
  return String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\|/g, '\\|');
}

function inputsTable(action) {
  const rows = Object.entries(action.inputs ?? {}).map(([name, i]) => {
    const def = i.default === undefined ? '' : `\`${String(i.default)}\``;
    return `| \`${name}\` | ${i.required ? 'yes' : 'no'} | ${def} | ${cell(i.description)} |`;
  });
  return ['| input | required | default | description |', '|---|---|---|---|', ...rows].join('\n');
}

function outputsTable(action) {
  const rows = Object.entries(action.outputs ?? {}).map(([name, o]) => `| \`${name}\` | ${cell(o.description)} |`);
  return ['| output | description |', '|---|---|', ...rows].join('\n');
}

export function generatedSections(rootDir = root) {
  const lint = parse(readFileSync(join(rootDir, 'action-lint', 'action.yml'), 'utf8'));
  const apply = parse(readFileSync(join(rootDir, 'action-apply', 'action.yml'), 'utf8'));
  return {
    'lint-inputs': inputsTable(lint),
    'lint-outputs': outputsTable(lint),
    'apply-inputs': inputsTable(apply),
    'apply-outputs': outputsTable(apply),
  };
}

export function renderReadme(text, sections) {
  let out = text;
  for (const [name, body] of Object.entries(sections)) {
    const re = new RegExp(`(<!-- BEGIN GENERATED: ${name} -->\\n)[\\s\\S]*?(<!-- END GENERATED: ${name} -->)`);
    if (!re.test(out)) throw new Error(`README.md has no generated section '${name}'`);
    out = out.replace(re, (_m, begin, end) => `${begin}${body}\n${end}`);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = join(root, 'README.md');
  const text = readFileSync(path, 'utf8');
  const next = renderReadme(text, generatedSections());
  if (process.argv.includes('--check')) {
    if (next !== text) {
      console.error(
        'README.md is stale: its input/output tables differ from action.yml. Run `node scripts/gen-readme.mjs`.',
      );
      process.exit(1);
    }
    console.log('README.md tables are up to date');
  } else if (next !== text) {
    writeFileSync(path, next);
    console.log('README.md tables regenerated');
  } else {
    console.log('README.md tables already up to date');
  }
}
