/**
 * Mocha global setup (.mocharc.json `require`): the tests that run `bin/netsync.js` run the compiled dist/,
 * so rebuild it when a source file is newer than the build. A test never runs a stale dist/.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

function builtAt(): number {
  try {
    return statSync(join(ROOT, 'dist/cli/main.js')).mtimeMs;
  } catch {
    return 0;
  }
}

export function mochaGlobalSetup(): void {
  const sources = Math.max(newestMtime('src'), statSync(join(ROOT, 'tsconfig.build.json')).mtimeMs);
  if (sources <= builtAt()) return;
  process.stderr.write('dist/ is older than src/: npm run build\n');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
