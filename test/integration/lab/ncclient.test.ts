/** An independent NETCONF client against the lab: Debian's python3-ncclient (installed by test/setup.sh). */
import { execFile } from 'node:child_process';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { startTestLab, type LabFixture } from '../../helpers/labFixture.ts';

const run = promisify(execFile);
// Debian's interpreter: python3-ncclient is installed for it, not for any other python on PATH.
const PYTHON = '/usr/bin/python3';

describe('lab: NETCONF with python3-ncclient', function () {
  this.timeout(60000);
  let fx: LabFixture;
  let keyFile: string;

  before(async () => {
    fx = await startTestLab({ devices: 1, platform: 'netconf' });
    keyFile = join(fx.stateDir, 'test_client_key');
    await writeFile(keyFile, fx.lab.clientPrivateKey, { mode: 0o600 });
    await chmod(keyFile, 0o600);
  });
  after(() => fx.stop());

  it('opens a session, locks, edits, validates, commits confirmed, confirms, and sees the rpc-errors', async () => {
    const dev = fx.lab.devices[0]!;
    const script = join(import.meta.dirname, 'scripts', 'ncclient_session.py');
    const { stdout } = await run(PYTHON, [script, String(dev.port), keyFile], { timeout: 50000 });
    const r = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(r.capabilities).to.include.members(['urn:ietf:params:netconf:base:1.1', 'urn:ietf:params:netconf:capability:confirmed-commit:1.1']);
    expect(r.second_lock.tag).to.equal('lock-denied');
    expect(r.second_lock.info).to.include(`<session-id>${r.session_id}</session-id>`);
    expect(r.bad_vlan.tag).to.equal('invalid-value');
    expect(r.bad_vlan.path).to.include('/vlans/vlan');
    expect(r).to.include({ validate_ok: true, confirmed_ok: true, running_after_confirmed: true, confirm_ok: true, unknown_op: 'operation-not-supported' });
    expect(r.hostname).to.include(`<hostname>${dev.hostname}</hostname>`);
    expect(dev.runningConfig()).to.include('<name>ncclient</name>');
    expect(dev.counters().commits).to.equal(2);
  });
});
