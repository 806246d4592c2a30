/**
 * The commit engine over real SSH against the lab: every fault, on a NETCONF
 * and on an EOS device, with each flag (do_validate, do_confirmed_commit,
 * do_rollback, skip_unreachable) on and off; and the confirm timeout passing
 * before the confirming commit. After each transaction every device's running
 * config is read from the device itself (over SSH and from the lab's own
 * state): rolled back where it must be, committed where it must be.
 */
import { expect } from 'chai';
import { runTransaction } from '../../../src/commit/engine.ts';
import type { CommitFlags } from '../../../src/commit/types.ts';
import type { LabFaults } from '../../../src/lab/index.ts';
import { storeCollections } from '../../../src/compose/storeCollections.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../helpers/until.ts';
import type { LabSuite, Shape } from './labConfigs.ts';
import { canonical, labConfig, startLabSuite } from './labConfigs.ts';

const DEVICES = [
  { hostname: 'mx-nc-1', platform: 'netconf' as const },
  { hostname: 'mx-eos-1', platform: 'eos' as const },
  { hostname: 'mx-nc-2', platform: 'netconf' as const },
  { hostname: 'mx-eos-2', platform: 'eos' as const },
];
const base = (h: string) => ({ hostname: h, vlan: 10, description: 'baseline' });
const next = (h: string) => ({ hostname: h, vlan: 20, description: 'pushed' });

interface FlagSet {
  name: string;
  flags: Partial<CommitFlags>;
}
const FLAG_SETS: FlagSet[] = [
  { name: 'defaults (validate, confirmed commit, rollback)', flags: {} },
  { name: 'confirmed commit without rollback', flags: { rollback: false } },
  { name: 'all off (no validate, plain commit, no rollback)', flags: { validate: false, confirmedCommit: false, rollback: false } },
  { name: 'plain commit with rollback', flags: { validate: false, confirmedCommit: false, rollback: true } },
  { name: 'skip unreachable', flags: { skipUnreachable: true } },
];

interface Fault {
  name: string;
  faults: Partial<LabFaults>;
  /** Does the faulty device fail under these flags? */
  fails(flags: Partial<CommitFlags>): boolean;
  /** Error code on the NETCONF device and on the EOS device. */
  code: { netconf: string; eos: string };
}
const same = (code: string) => ({ netconf: code, eos: code });
const refused = { netconf: 'NETCONF_RPC_ERROR', eos: 'CLI_COMMAND_REJECTED' };
const closed = { netconf: 'NETCONF_CLOSED', eos: 'CLI_CLOSED' };
const FAULTS: Fault[] = [
  { name: 'unreachable', faults: { unreachable: true }, fails: (f) => !f.skipUnreachable, code: same('DEVICE_UNREACHABLE') },
  { name: 'auth failure', faults: { authFailure: true }, fails: () => true, code: same('AUTH_FAILED') },
  // On EOS the lock is a pending foreign config session: "session locked".
  { name: 'lock held', faults: { lockHeld: true }, fails: () => true, code: { netconf: 'DEVICE_LOCKED', eos: 'EOS_SESSION_LOCKED' } },
  { name: 'validation error', faults: { validationError: 'vlan 20 is reserved' }, fails: () => true, code: refused },
  { name: 'commit error', faults: { commitError: 'hardware programming failed' }, fails: () => true, code: refused },
  { name: 'drop after write', faults: { dropAfter: 'write' }, fails: () => true, code: closed },
  { name: 'drop after validate', faults: { dropAfter: 'validate' }, fails: (f) => f.validate !== false, code: closed },
  { name: 'drop after confirmed commit', faults: { dropAfter: 'confirmed-commit' }, fails: (f) => f.confirmedCommit !== false, code: closed },
  // The device says ok to the commit and changes nothing: only the read-back notices.
  { name: 'commit ignored', faults: { commitIgnored: true }, fails: () => true, code: same('COMMIT_NOT_APPLIED') },
];

describe('commit engine fault matrix (lab over SSH)', function () {
  this.timeout(120_000);
  let suite: LabSuite;
  let store: LowdbStore;
  let dir: string;

  before(async () => {
    suite = await startLabSuite(DEVICES.map((d) => ({ ...d, initialConfig: labConfig(d.platform, base(d.hostname)) })));
    dir = await mkdtemp(join(tmpdir(), 'netsync-matrix-'));
    store = new LowdbStore(join(dir, 'store.json'), { collections: storeCollections });
    await store.init();
  });
  after(async () => {
    await suite?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    for (const d of DEVICES) {
      const dev = suite.lab.device(d.hostname);
      dev.clearFaults();
      dev.setRunningConfig(labConfig(d.platform, base(d.hostname)));
    }
  });

  /** Every device runs `want(hostname)`: read over SSH, and from the lab's own state. Nothing of ours is left pending: a new session can lock. */
  const expectRunning = async (want: (hostname: string) => Shape) => {
    for (const d of DEVICES) {
      const expected = canonical(d.platform, want(d.hostname));
      expect(suite.lab.device(d.hostname).runningConfig(), `${d.hostname} running config (lab state)`).to.equal(expected);
      const s = await suite.factory.open(suite.target(d.hostname));
      try {
        expect(await s.getRunningConfig(), `${d.hostname} running config (over SSH)`).to.equal(expected);
        await s.lock();
        await s.unlock();
      } finally {
        await s.close();
      }
    }
  };

  let n = 0;
  for (const flagSet of FLAG_SETS) {
    for (const fault of FAULTS) {
      for (const faulty of ['mx-nc-1', 'mx-eos-1']) {
        it(`${fault.name} on ${faulty} — ${flagSet.name}`, async () => {
          suite.lab.device(faulty).setFaults(fault.faults);
          const outcome = await runTransaction(
            {
              id: `mx-${++n}`,
              items: DEVICES.map((d) => ({ target: suite.target(d.hostname), config: labConfig(d.platform, next(d.hostname)) })),
              flags: { ...flagSet.flags, confirmTimeoutSeconds: 60 },
            },
            { sessions: suite.factory, locks: store },
          );
          suite.lab.device(faulty).clearFaults();
          const fails = fault.fails(flagSet.flags);
          const rollbackAll = flagSet.flags.rollback !== false;
          const node = outcome['node-results'].find((r) => r['node-id'] === faulty)!;

          expect(outcome.status, JSON.stringify(outcome['node-results'])).to.equal(fails ? 'fail' : 'complete');
          if (fails) {
            expect(node['configuration-status']).to.equal('fail');
            expect(node.error?.code).to.equal(fault.code[suite.lab.device(faulty).platform]);
            expect(node['rollback-status'], JSON.stringify(node)).to.not.equal('fail');
            const e = outcome.errors!.errors.error.find((x) => x['error-info']['node-id'] === faulty)!;
            expect(e['error-message']).to.match(new RegExp(`^${faulty}: `));
          }
          if (fault.name === 'unreachable' && flagSet.flags.skipUnreachable) {
            expect(outcome['unreachable-nodes']).to.deep.equal([faulty]);
            expect(node['configuration-status']).to.equal('skipped');
          }
          await expectRunning((h) => {
            const skipped = fault.name === 'unreachable' && flagSet.flags.skipUnreachable && h === faulty;
            const rolledBack = fails && (rollbackAll || h === faulty);
            return skipped || rolledBack ? base(h) : next(h);
          });
          expect(await store.lockHolder(faulty)).to.equal(undefined);
        });
      }
    }
  }

  // The confirm timeout passes before the confirming commit (a daemon stalled that long): every device
  // reverts by itself, the confirm fails, and the outcome never claims success.
  for (const flagSet of FLAG_SETS) {
    it(`confirm timeout passes before the confirm — ${flagSet.name}`, async () => {
      const confirmed = flagSet.flags.confirmedCommit !== false;
      const outcome = await runTransaction(
        {
          id: `mx-${++n}`,
          items: DEVICES.map((d) => ({ target: suite.target(d.hostname), config: labConfig(d.platform, next(d.hostname)) })),
          flags: { ...flagSet.flags, confirmTimeoutSeconds: 1 },
        },
        {
          sessions: suite.factory,
          locks: store,
          // Hold the confirm back until every device has reverted on its own (condition, not a guessed sleep).
          onPhase: async (phase) => {
            if (phase !== 'confirm') return;
            const reverted = () => DEVICES.every((d) => suite.lab.device(d.hostname).runningConfig() === canonical(d.platform, base(d.hostname)));
            await until(reverted, 'every device to revert at the confirm timeout');
          },
        },
      );
      if (!confirmed) {
        // A plain commit has no timer: nothing reverts.
        expect(outcome.status).to.equal('complete');
        return expectRunning(next);
      }
      expect(outcome.status).to.equal('fail');
      for (const node of outcome['node-results']) {
        expect(node, node['node-id']).to.deep.include({ 'configuration-status': 'fail', phase: 'confirm', 'rollback-status': 'complete' });
        expect(node.error).to.include({ code: 'CONFIRM_TIMEOUT', phase: 'confirm' });
        expect(node.error?.message).to.match(/confirm timeout \(1 s\) passed before the confirming commit, so the device reverted by itself/);
      }
      await expectRunning(base);
      for (const d of DEVICES) expect(await store.lockHolder(d.hostname)).to.equal(undefined);
    });
  }
});
