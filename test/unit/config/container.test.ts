/**
 * The container image cannot be built here (no Docker engine), so check what it is made of: the config it
 * ships, the ports its HEALTHCHECK and EXPOSE use, the files it copies, and that `npm ci --omit=dev`
 * installs every package the sources import.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseConfig } from '../../../src/config/load.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** Bare package names of every static and dynamic import (type-only imports are erased, so they do not count). */
function importedPackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
    if (m[2]) continue;
    const spec = m[3] ?? m[4]!;
    if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec)) continue;
    names.push(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return names;
}

describe('container image (Dockerfile, docker/netsync.yml)', () => {
  const config = parseConfig(parse(readFileSync(join(ROOT, 'docker/netsync.yml'), 'utf8')), { NETSYNC_OPERATOR_TOKEN: 'operator-token-0123456789' });

  it('ships a valid config listening on all interfaces, with its state in the /data volume', () => {
    expect(config.listen).to.include({ host: '0.0.0.0' });
    expect(config.dataDir).to.equal('/data');
    expect(dockerfile).to.match(/VOLUME \["\/data"\]/);
    expect(dockerfile).to.match(/NETSYNC_DATA_DIR=\/data\b/);
  });

  it('exposes and health-checks the port the shipped config listens on', () => {
    const port = String(config.listen.port);
    expect(dockerfile.match(/^EXPOSE (\d+)$/m)?.[1]).to.equal(port);
    expect(dockerfile.match(/curl -fsS http:\/\/127\.0\.0\.1:(\d+)\/healthz/)?.[1]).to.equal(port);
  });

  it('copies only paths that exist', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(sources).to.include('src');
    for (const source of sources) expect(existsSync(join(ROOT, source)), source).to.equal(true);
  });

  it('installs every package the sources import with npm ci --omit=dev', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const imported = new Set([...filesUnder('src'), ...filesUnder('bin')].flatMap(importedPackages));
    expect(imported.size).to.be.greaterThan(10);
    const missing = [...imported].filter((name) => !(name in pkg.dependencies));
    expect(missing, 'imported by src/ or bin/ but not in dependencies').to.deep.equal([]);
  });

  it('runs the compiled JavaScript: a build stage emits dist/, the runtime copies it with the files the code reads', () => {
    const stages = dockerfile.split(/^FROM /m).slice(1);
    const build = stages.find((s) => / AS build\b/.test(s.split('\n')[0]!));
    const runtime = stages.at(-1)!;
    expect(build, 'a build stage').to.match(/^RUN npm run build$/m);
    expect(runtime).to.match(/^COPY --from=build \/app\/dist \.\/dist$/m);
    expect(runtime, 'the runtime needs no TypeScript sources').to.not.match(/^COPY src /m);
    // Read at run time relative to the compiled modules (dist/ mirrors src/, one level under the package root).
    for (const dir of ['package.json', 'mapping', 'hooks', 'examples']) expect(runtime).to.match(new RegExp(`^COPY ${dir} `, 'm'));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
    expect(pkg.dependencies, 'tsx is only needed by the tests').to.not.have.property('tsx');
    expect(pkg.scripts.prepare, 'npm ci builds dist/').to.equal('npm run build');
    expect(readFileSync(join(ROOT, 'bin/netsync.js'), 'utf8')).to.contain('../dist/cli/main.js');
  });
});

describe('docker compose: PostgreSQL and two replicas (docker/compose.yml, docker/netsync-replica.yml)', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker/compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, any> };
  const replicas = ['netsync-1', 'netsync-2'].map((name) => compose.services[name]);

  it('runs two replicas of the image on one PostgreSQL, started once the database answers', () => {
    expect(compose.services.postgres.image).to.match(/^postgres:\d+/);
    expect(compose.services.postgres.healthcheck.test).to.include('pg_isready');
    for (const r of replicas) {
      expect(r.build.dockerfile).to.equal('Dockerfile');
      expect(r.depends_on).to.deep.equal({ postgres: { condition: 'service_healthy' } });
      expect(r.environment.NETSYNC_DATABASE_URL).to.match(/^postgres:\/\/netsync:\$\{NETSYNC_DB_PASSWORD\}@postgres:5432\/netsync$/);
      expect(r.volumes).to.include('./netsync-replica.yml:/etc/netsync/netsync.yml:ro');
    }
  });

  it('gives each replica its own name, data volume and host port (the container port the image health-checks)', () => {
    const names = replicas.map((r) => r.environment.NETSYNC_REPLICA);
    expect(new Set(names).size).to.equal(2);
    const data = replicas.map((r) => (r.volumes as string[]).find((v) => v.endsWith(':/data')));
    expect(new Set(data).size).to.equal(2);
    const ports = replicas.map((r) => String(r.ports[0]));
    expect(new Set(ports).size).to.equal(2);
    for (const p of ports) expect(p).to.match(new RegExp(`^127\\.0\\.0\\.1:\\d+:${dockerfile.match(/^EXPOSE (\d+)$/m)?.[1]}$`));
  });

  it('ships a replica config whose store is PostgreSQL at the URL from the environment', () => {
    const url = 'postgres://netsync:pw@postgres:5432/netsync';
    const config = parseConfig(parse(readFileSync(join(ROOT, 'docker/netsync-replica.yml'), 'utf8')), {
      NETSYNC_OPERATOR_TOKEN: 'operator-token-0123456789',
      NETSYNC_DATABASE_URL: url,
    });
    expect(config.store).to.deep.include({ kind: 'postgres', url });
    expect(config.listen).to.include({ host: '0.0.0.0', port: 8080 });
    expect(config.dataDir).to.equal('/data');
  });
});
