/**
 * The layering rule in eslint.config.js catches what it must: planted imports that run against the layers
 * (docs/design/architecture.md#layers) are reported, and the imports each layer is allowed pass.
 */
import { expect } from 'chai';
import { ESLint } from 'eslint';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: `${root}/${filePath}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('lint: layering rule', function () {
  this.timeout(60_000);

  const violations: Array<[string, string]> = [
    ['src/impact/planted.ts', "import { LowdbStore } from '../store/lowdbStore.ts';"],
    ['src/impact/planted.ts', "import { openSsh } from '../drivers/ssh.ts';"],
    ['src/impact/planted.ts', "import { execFile } from 'node:child_process';"],
    ['src/commit/planted.ts', "import { readFileSync } from 'node:fs';"],
    ['src/render/planted.ts', "import express from 'express';"],
    ['src/alarms/planted.ts', "import { createDaemon } from '../compose/daemon.ts';"],
    ['src/model/planted.ts', "import { renderDevice } from '../render/renderer.ts';"],
    ['src/drivers/netconf/planted.ts', "import { startLab } from '../../lab/index.ts';"],
    ['src/lab/planted.ts', "import { errorHandler } from '../api/errors.ts';"],
    ['src/sources/planted.ts', "import { loadConfig } from '../config/load.ts';"],
    ['src/api/routes/planted.ts', "import { createDaemon } from '../../compose/daemon.ts';"],
    ['src/postgres/planted.ts', "import { sessionMiddleware } from '../ui/session.ts';"],
    ['src/cluster/planted.ts', "import { createDaemon } from '../compose/daemon.ts';"],
  ];
  for (const [file, code] of violations) {
    it(`reports ${code} in ${file}`, async () => {
      expect(await restrictedImports(file, `${code}\nexport const x = 1;\n`)).to.have.length.greaterThan(0);
    });
  }

  const allowed: Array<[string, string]> = [
    ['src/impact/planted.ts', "import type { Device } from '../model/device.ts';"],
    ['src/render/worker.ts', "import { parentPort } from 'node:worker_threads';"],
    ['src/renderhost/planted.ts', "import { fork } from 'node:child_process';"],
    ['src/drivers/planted.ts', "import { canonicalConfig } from '../deviceconfig/canonicalConfig.ts';"],
    ['src/compose/planted.ts', "import { startLab } from '../lab/index.ts';"],
    ['src/model/planted.ts', "import type { Device } from './device.ts';"],
  ];
  for (const [file, code] of allowed) {
    it(`allows ${code} in ${file}`, async () => {
      expect(await restrictedImports(file, `${code}\nexport const x = 1;\n`)).to.deep.equal([]);
    });
  }

  it('knows every folder of src/: a new one cannot stand outside the layers', async () => {
    // eslint.config.js is plain JavaScript: loaded by URL, typed here.
    const { folders } = (await import(new URL('../../../eslint.config.js', import.meta.url).href)) as { folders: string[] };
    const present = readdirSync(`${root}/src`, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(present.filter((f) => !folders.includes(f))).to.deep.equal([]);
  });
});
