/** EOS driver edge cases against a lab device over SSH: undoing what never happened, and whose session is in the way. */
import { expect } from 'chai';
import type { NetsyncError } from '../../../src/model/errors.ts';
import { HELD_SESSION } from '../../../src/lab/eosSessions.ts';
import type { LabSuite } from './labConfigs.ts';
import { canonical, labConfig, startLabSuite } from './labConfigs.ts';

describe('EOS driver: discard and cancel with nothing pending (lab over SSH)', function () {
  let suite: LabSuite;
  const base = { hostname: 'drv-eos-1', vlan: 10, description: 'baseline' };

  before(async () => {
    suite = await startLabSuite([{ hostname: 'drv-eos-1', platform: 'eos', initialConfig: labConfig('eos', base) }]);
  });
  after(() => suite?.stop());

  it('discard without a config session is a no-op; cancelling a commit that is not pending is refused', async () => {
    const s = await suite.factory.open(suite.target('drv-eos-1'));
    try {
      s.useSessionName?.('netsync-never-opened');
      await s.discard();
      const err = await s.cancelCommit('netsync-never-opened').then(
        () => null,
        (e: NetsyncError) => e,
      );
      expect(err?.code).to.equal('CLI_COMMAND_REJECTED');
      expect(err?.message).to.match(/does not exist/);
    } finally {
      await s.close();
    }
    expect(suite.lab.device('drv-eos-1').runningConfig()).to.equal(canonical('eos', base));
  });

  it("lock() refused by another user's pending session names that session, not netsync's own", async () => {
    const device = suite.lab.device('drv-eos-1');
    device.setFaults({ lockHeld: true });
    const s = await suite.factory.open(suite.target('drv-eos-1'));
    try {
      s.useSessionName?.('netsync-tx-42');
      const err = await s.lock().then(
        () => null,
        (e: NetsyncError) => e,
      );
      expect(err?.code).to.equal('EOS_SESSION_LOCKED');
      expect(err?.data).to.include({ session: HELD_SESSION });
      expect(err?.message).to.contain(`'${HELD_SESSION}'`);
      expect(err?.message).not.to.contain('netsync-tx-42');
    } finally {
      device.clearFaults();
      await s.close();
    }
  });
});
