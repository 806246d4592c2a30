/**
 * The commit engine over real SSH against the lab: every fault, on a NETCONF
 * and on an EOS device, under three flag sets. After each transaction every
 * device's running config is read from the device itself: rolled back where
 * it must be, committed where it must be.
 */
import { expect } from 'chai';
import { runTransaction } from '../../../src/commit/engine.ts';
import type { CommitFlags } from '../../../src/commit/types.ts';
import type { LabFaults } from '../../../src/lab/index.ts';
import { LowdbStore } from '../../../src/store/lowdbStore.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabSuite } from './labConfigs.ts';
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
  { name: 'all off (no validate, plain commit, no rollback)', flags: { validate: false, confirmedCommit: false, rollback: false } },
  { name: 'plain commit with rollback', flags: { validate: false, confirmedCommit: false, rollback: true } },
  { name: 'skip unreachable', flags: { skipUnreachable: true } },
];

interface Fault {
  name: string;
  faults: Partial<LabFaults>;
  /** Does the faulty device fail under these flags? */
  fails(flags: Partial<CommitFlags>): boolean;
  code: RegExp;
}
const FAULTS: Fault[] = [
  { name: 'unreachable', faults: { unreachable: true }, fails: (f) => !f.skipUnreachable, code: /^DEVICE_UNREACHABLE$/ },
  { name: 'auth failure', faults: { authFailure: true }, fails: () => true, code: /^AUTH_FAILED$/ },
  { name: 'lock held', faults: { lockHeld: true }, fails: () => true, code: /^(DEVICE_LOCKED|EOS_SESSION_LOCKED)$/ },
  { name: 'validation error', faults: { validationError: 'vlan 20 is reserved' }, fails: () => true, code: /^(NETCONF_RPC_ERROR|CLI_COMMAND_REJECTED)$/ },
  { name: 'commit error', faults: { commitError: 'hardware programming failed' }, fails: () => true, code: /^(NETCONF_RPC_ERROR|CLI_COMMAND_REJECTED)$/ },
  { name: 'drop after write', faults: { dropAfter: 'write' }, fails: () => true, code: /^(NETCONF_CLOSED|CLI_CLOSED)$/ },
  { name: 'drop after validate', faults: { dropAfter: 'validate' }, fails: (f) => f.validate !== false, code: /^(NETCONF_CLOSED|CLI_CLOSED)$/ },
  { name: 'drop after confirmed commit', faults: { dropAfter: 'confirmed-commit' }, fails: (f) => f.confirmedCommit !== false, code: /^(NETCONF_CLOSED|CLI_CLOSED)$/ },
];

describe('commit engine fault matrix (lab over SSH)', function () {
  this.timeout(120_000);
  let suite: LabSuite;
  let store: LowdbStore;
  let dir: string;

  before(async () => {
    suite = await startLabSuite(DEVICES.map((d) => ({ ...d, initialConfig: labConfig(d.platform, base(d.hostname)) })));
    dir = await mkdtemp(join(tmpdir(), 'netsync-matrix-'));
    store = new LowdbStore(join(dir, 'store.json'));
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

  let n = 0;
  for (const flagSet of FLAG_SETS) {
    for (const fault of FAULTS) {
      if (flagSet.name === 'skip unreachable' && fault.name !== 'unreachable' && fault.name !== 'auth failure') continue;
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
            expect(node.error?.code).to.match(fault.code);
            expect(node['rollback-status'], JSON.stringify(node)).to.not.equal('fail');
            const e = outcome.errors!.errors.error.find((x) => x['error-info']['node-id'] === faulty)!;
            expect(e['error-message']).to.match(new RegExp(`^${faulty}: `));
          }
          if (fault.name === 'unreachable' && flagSet.flags.skipUnreachable) {
            expect(outcome['unreachable-nodes']).to.deep.equal([faulty]);
            expect(node['configuration-status']).to.equal('skipped');
          }
          for (const d of DEVICES) {
            const skipped = fault.name === 'unreachable' && flagSet.flags.skipUnreachable && d.hostname === faulty;
            const rolledBack = fails && (rollbackAll || d.hostname === faulty);
            const want = skipped || rolledBack ? base(d.hostname) : next(d.hostname);
            expect(suite.lab.device(d.hostname).runningConfig(), `${d.hostname} running config`).to.equal(canonical(d.platform, want));
          }
          // Nothing of ours is left pending on any device: a new transaction can lock every device.
          for (const d of DEVICES) {
            const s = await suite.factory.open(suite.target(d.hostname));
            try {
              await s.lock();
              await s.unlock();
            } finally {
              await s.close();
            }
          }
          expect(await store.lockHolder(faulty)).to.equal(undefined);
        });
      }
    }
  }
});
