#!/usr/bin/env node
// Cuts a release: sets the version in package.json, package-lock.json and src/version.ts, checks that CHANGELOG.md
// has a section for it and that dist/ is fresh, commits "Release vX.Y.Z", tags vX.Y.Z (annotated) and moves the
// major tag vX to it, so `uses: org/db-action/lint@v1` picks the release up.
//
//   node scripts/release.mjs 1.2.3            prepare, commit and tag locally; prints the push command
//   node scripts/release.mjs 1.2.3 --push     also push the commit and both tags (the major tag with --force)
//   --skip-checks                             do not rebuild dist/ (tests use it on a scratch repository)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const version = args.find((a) => !a.startsWith('--'));
const push = args.includes('--push');
const skipChecks = args.includes('--skip-checks');
const root = process.cwd();

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}

function git(...a) {
  return execFileSync('git', a, { cwd: root, encoding: 'utf8' }).trim();
}

if (!version || !/^\d+\.\d+\.\d+$/.test(version)) fail('usage: node scripts/release.mjs X.Y.Z [--push]');
const tag = `v${version}`;
const major = `v${version.split('.')[0]}`;

if (git('status', '--porcelain')) fail('the work tree has uncommitted changes: commit or stash them first');
if (git('tag', '--list', tag)) fail(`tag ${tag} already exists`);

const changelog = existsSync(join(root, 'CHANGELOG.md')) ? readFileSync(join(root, 'CHANGELOG.md'), 'utf8') : '';
if (!new RegExp(`^## \\[?${version.replace(/\./g, '\\.')}\\]?`, 'm').test(changelog)) {
  fail(`CHANGELOG.md has no "## ${version}" section: describe the release first`);
}

// The version lives in three files; keep them equal.
const pkgPath = join(root, 'package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
pkg.version = version;
writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);
const lockPath = join(root, 'package-lock.json');
if (existsSync(lockPath)) {
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  lock.version = version;
  if (lock.packages?.['']) lock.packages[''].version = version;
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
}
const versionPath = join(root, 'src', 'version.ts');
if (existsSync(versionPath)) {
  const text = readFileSync(versionPath, 'utf8');
  writeFileSync(versionPath, text.replace(/VERSION = '[^']*'/, `VERSION = '${version}'`));
}

if (!skipChecks) {
  // The bundles embed the version: rebuild, then require that nothing else in dist/ changed unexpectedly.
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) fail('npm run build failed');
  const check = spawnSync('npm', ['run', 'check-dist'], { cwd: root, stdio: 'inherit' });
  if (check.status !== 0) fail('dist/ is stale after the build');
}

git('add', '-A');
git('commit', '-m', `Release ${tag}`);
git('tag', '-a', tag, '-m', `db-action ${tag}`);
git('tag', '-f', '-a', major, '-m', `db-action ${major} (currently ${tag})`);
console.log(`release: tagged ${tag} and moved ${major} to ${git('rev-parse', '--short', 'HEAD')}`);

if (push) {
  git('push', 'origin', 'HEAD');
  git('push', 'origin', tag);
  git('push', '--force', 'origin', major);
  console.log(`release: pushed ${tag} and ${major}`);
} else {
  console.log(`next: git push origin HEAD ${tag} && git push --force origin ${major}`);
}
