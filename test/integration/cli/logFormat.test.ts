/** `netsync serve` logs coloured, human-readable lines when asked (or on a TTY), JSON otherwise. */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveLogFormat } from '../../../src/logging/logger.ts';
import { NETSYNC_BIN } from '../../helpers/cli.ts';
import { removeDir, tempDir } from '../../helpers/daemon.ts';

/** Runs serve until its first log line about the generated token, then stops it; returns stdout. */
async function serveOutput(dir: string, args: string[]): Promise<string> {
  const child = spawn(process.execPath, [NETSYNC_BIN, 'serve', '-c', join(dir, 'netsync.yml'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    const deadline = Date.now() + 30_000;
    while (!out.includes('no API tokens configured')) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`serve did not log:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return out;
}

describe('serve --log-format', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await tempDir('netsync-logformat-');
    writeFileSync(join(dir, 'netsync.yml'), `listen: { host: 127.0.0.1, port: 0 }\ndataDir: ${dir}\nlog: { level: info }\n`);
  });
  after(async () => removeDir(dir));

  it('auto is pretty on a TTY and JSON otherwise', () => {
    expect(resolveLogFormat('auto', true)).to.equal('pretty');
    expect(resolveLogFormat('auto', false)).to.equal('json');
    expect(resolveLogFormat('json', true)).to.equal('json');
  });

  it('pretty: coloured lines with the level word and the message, no JSON', async () => {
    const out = await serveOutput(dir, ['--log-format', 'pretty']);
    const line = out.split('\n').find((l) => l.includes('no API tokens configured'))!;
    expect(line).to.contain(`${String.fromCharCode(27)}[`); // colour
    expect(line).to.match(/INFO/).and.not.match(/^\{/);
  });

  it('json (the default off a TTY): one JSON object per line', async () => {
    for (const args of [['--log-format', 'json'], []]) {
      const out = await serveOutput(dir, args);
      const line = out.split('\n').find((l) => l.includes('no API tokens configured'))!;
      expect(JSON.parse(line)).to.include({ level: 30, msg: 'no API tokens configured: using the generated operator token in the data dir' });
    }
  });

  it('refuses an unknown format (exit 2)', async () => {
    const child = spawn(process.execPath, [NETSYNC_BIN, 'serve', '--log-format', 'xml'], { stdio: 'ignore' });
    expect(await new Promise((resolve) => child.once('exit', resolve))).to.equal(2);
  });
});
