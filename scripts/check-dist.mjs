#!/usr/bin/env node
// `npm run check-dist`: fails when the committed dist/ (or the generated lint/ and apply/ action.yml) is not what
// `npm run build` produces from the current sources. Rebuilds into a temporary directory and compares file by file.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLES, buildDist } from './build-dist.mjs';
import { syncActions } from './sync-actions.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Differences between a fresh build and dist/ (paths relative to dist/), plus stale generated action.yml files. */
export function checkDist({ distDir = join(root, 'dist') } = {}) {
  const problems = [];
  for (const f of syncActions({ check: true })) problems.push(`${f} is stale (generated from action-*/action.yml)`);
  const tmp = mkdtempSync(join(root, '.cache', 'check-dist-'));
  try {
    buildDist({ outDir: tmp, sync: false });
    const fresh = listFiles(tmp);
    const committed = listFiles(distDir);
    for (const f of fresh) {
      if (!committed.includes(f)) problems.push(`dist/${f} is missing`);
      else if (!readFileSync(join(tmp, f)).equals(readFileSync(join(distDir, f)))) problems.push(`dist/${f} differs`);
    }
    for (const f of committed) if (!fresh.includes(f)) problems.push(`dist/${f} is not produced by the build any more`);
    const expected = BUNDLES.filter((b) => existsSync(join(root, b.entry))).map((b) => `${b.name}/index.js`);
    for (const f of expected) if (!fresh.includes(f)) problems.push(`dist/${f} was not built`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  let problems;
  try {
    problems = checkDist();
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
  if (problems.length) {
    console.error('check-dist: dist/ is out of date with the sources:');
    for (const p of problems) console.error(`  - ${p}`);
    console.error('Run `npm run build` and commit dist/, lint/action.yml and apply/action.yml.');
    process.exit(1);
  }
  console.log('check-dist: dist/ and the generated action.yml files match the sources');
}
