/** The passive-result writer against a real FIFO: never blocks without a reader, writes whole lines with one. */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AlarmService } from '../../../src/alarms/alarmService.ts';
import { DEFAULT_THRESHOLDS } from '../../../src/alarms/evaluate.ts';
import { buildDevice } from '../../../src/model/device.ts';
import type { Logger } from '../../../src/model/ports.ts';
import { silentLogger } from '../../../src/model/ports.ts';
import { NagiosCommandFile } from '../../../src/monitoring/nagiosCommandFile.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { storeCollections } from '../../../src/compose/storeCollections.ts';

describe('alarms: Nagios command file writer', () => {
  let dir: string;
  let fifo: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'netsync-cmdfile-'));
    fifo = join(dir, 'nagios.cmd');
    execFileSync('mkfifo', [fifo]);
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('returns no-reader at once when nothing reads the FIFO (Nagios down), instead of blocking', async () => {
    // A blocking open would never return here: the test would time out instead of passing.
    expect(await new NagiosCommandFile(fifo).write('[1] TEST\n')).to.equal('no-reader');
  });

  it('returns missing when the command file does not exist', async () => {
    expect(await new NagiosCommandFile(join(dir, 'absent.cmd')).write('[1] TEST\n')).to.equal('missing');
  });

  it('writes the line when a reader is attached', async () => {
    // A non-blocking read end, as Nagios holds it: the open does not wait for a writer.
    const fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      expect(await new NagiosCommandFile(fifo).write('[1] PROCESS_SERVICE_CHECK_RESULT;h;s;0;fine\n')).to.equal('written');
      const buf = Buffer.alloc(4096);
      const n = readSync(fd, buf);
      expect(buf.subarray(0, n).toString()).to.equal('[1] PROCESS_SERVICE_CHECK_RESULT;h;s;0;fine\n');
    } finally {
      closeSync(fd);
    }
  });

  it('appends to a plain file (some setups use one)', async () => {
    const file = join(dir, 'plain.cmd');
    await writeFile(file, 'first\n');
    expect(await new NagiosCommandFile(file).write('second\n')).to.equal('written');
    expect(await readFile(file, 'utf8')).to.equal('first\nsecond\n');
  });

  it('a sweep with Nagios down completes, logs once, and keeps sweeping', async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (_o, msg) => void warnings.push(String(msg)), child: () => logger };
    // A real store holding a device unsynchronized since 1970: far past every threshold.
    const store = new LowdbStore(join(dir, 'store.json'), { collections: storeCollections });
    await store.init();
    await store.changeDevices({ create: [buildDevice({ hostname: 'sw-1', managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS' }, new Date(0))] });
    const alarms = new AlarmService({
      store,
      clock: () => new Date(),
      logger,
      thresholds: DEFAULT_THRESHOLDS,
      passive: { sink: new NagiosCommandFile(fifo), target: { host: 'netsync', service: 'unsynced' } },
    });
    const first = await alarms.sweep();
    const second = await alarms.sweep();
    expect([first.passive, second.passive]).to.deep.equal(['no-reader', 'no-reader']);
    expect(first.report.state).to.equal('CRITICAL');
    expect(warnings).to.have.length(1);
    await store.close();
  });
});
