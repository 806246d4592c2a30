/**
 * A commit the device acknowledges without applying it (the lab's `commitIgnored` fault, what netconfd 2.13
 * does for a commit right after validate) on a NETCONF and an EOS lab device: the read-back fails those
 * devices with COMMIT_NOT_APPLIED, the transaction never says complete, and every device is rolled back,
 * as read over SSH, with nothing of the transaction left pending on any device.
 */
import { expect } from 'chai';
import { runTransaction } from '../../../src/commit/engine.ts';
import type { DeviceLocks } from '../../../src/commit/ports.ts';
import type { CommitFlags } from '../../../src/commit/types.ts';
import type { LabSuite } from './labConfigs.ts';
import { canonical, labConfig, startLabSuite } from './labConfigs.ts';

const DEVICES = [
  { hostname: 'na-nc-1', platform: 'netconf' as const },
  { hostname: 'na-eos-1', platform: 'eos' as const },
  { hostname: 'na-nc-2', platform: 'netconf' as const },
  { hostname: 'na-eos-2', platform: 'eos' as const },
];
const FAULTY = ['na-nc-1', 'na-eos-1'];
const base = (h: string) => ({ hostname: h, vlan: 10, description: 'baseline' });
const next = (h: string) => ({ hostname: h, vlan: 20, description: 'pushed' });

/** Just the description of Ethernet1, in each syntax: a merge. */
const mergeConfig = (platform: 'netconf' | 'eos', description: string) =>
  platform === 'eos'
    ? `interface Ethernet1\n   description ${description}\n`
    : `<interfaces xmlns="urn:netsync:lab"><interface><name>Ethernet1</name><description>${description}</description></interface></interfaces>`;

const memoryLocks = (): DeviceLocks => {
  const held = new Map<string, string>();
  return {
    tryLockDevice: async (h, o) => (held.has(h) && held.get(h) !== o ? false : (held.set(h, o), true)),
    unlockDevice: async (h) => void held.delete(h),
    lockHolder: async (h) => held.get(h),
  };
};

describe('a commit acknowledged but not applied (lab commitIgnored, NETCONF and EOS)', function () {
  this.timeout(60_000);
  let suite: LabSuite;

  before(async () => {
    suite = await startLabSuite(DEVICES.map((d) => ({ ...d, initialConfig: labConfig(d.platform, base(d.hostname)) })));
  });
  after(() => suite?.stop());
  beforeEach(() => {
    for (const d of DEVICES) {
      const dev = suite.lab.device(d.hostname);
      dev.clearFaults();
      dev.setRunningConfig(labConfig(d.platform, base(d.hostname)));
      dev.resetCounters();
    }
    for (const h of FAULTY) suite.lab.device(h).setFaults({ commitIgnored: true });
  });

  /** Every device runs its baseline, read over SSH; a new session can lock it (nothing of ours pending). */
  const expectAllRolledBack = async () => {
    for (const d of DEVICES) {
      const s = await suite.factory.open(suite.target(d.hostname));
      try {
        expect(await s.getRunningConfig(), `${d.hostname} running config (over SSH)`).to.equal(canonical(d.platform, base(d.hostname)));
        await s.lock();
        await s.unlock();
      } finally {
        await s.close();
      }
    }
  };

  const cases: {
    name: string;
    flags: Partial<CommitFlags>;
    config: (platform: 'netconf' | 'eos', hostname: string) => string;
    differs: { netconf: RegExp; eos: RegExp };
  }[] = [
    {
      name: 'replace, confirmed commit',
      flags: {},
      config: (p, h) => labConfig(p, next(h)),
      differs: { netconf: /\/interfaces\/interface\/description is 'baseline' on the device, sent 'pushed'$/, eos: /line '.*' is missing on the device/ },
    },
    {
      name: 'merge, confirmed commit',
      flags: { mode: 'merge' },
      config: (p) => mergeConfig(p, 'merged'),
      differs: {
        netconf: /\/interfaces\/interface\/description is 'baseline' on the device, sent 'merged'/,
        eos: /line 'interface Ethernet1 > description merged' is missing on the device/,
      },
    },
    {
      name: 'merge, plain commit',
      flags: { mode: 'merge', confirmedCommit: false },
      config: (p) => mergeConfig(p, 'merged'),
      differs: { netconf: /description is 'baseline' on the device, sent 'merged'/, eos: /description merged' is missing/ },
    },
  ];

  for (const c of cases) {
    it(`${c.name}: COMMIT_NOT_APPLIED on both faulty devices, never complete, every device rolled back`, async () => {
      const outcome = await runTransaction(
        {
          id: `na-${c.name}`,
          items: DEVICES.map((d) => ({ target: suite.target(d.hostname), config: c.config(d.platform, d.hostname) })),
          flags: { ...c.flags, confirmTimeoutSeconds: 60 },
        },
        { sessions: suite.factory, locks: memoryLocks() },
      );
      expect(outcome.status).to.equal('fail');
      for (const n of outcome['node-results']) {
        expect(n['configuration-status'], n['node-id']).to.equal('fail');
        expect(n['rollback-status'], JSON.stringify(n)).to.equal('complete');
      }
      for (const h of FAULTY) {
        const node = outcome['node-results'].find((n) => n['node-id'] === h)!;
        expect(node.error, h).to.include({ code: 'COMMIT_NOT_APPLIED', phase: 'verify' });
        expect(node.error!.message).to.match(c.differs[suite.lab.device(h).platform]);
        const e = outcome.errors!.errors.error.find((x) => x['error-info']['node-id'] === h)!;
        expect(e['error-message']).to.match(new RegExp(`^${h}: verify failed: the device acknowledged the commit`));
      }
      // No confirming commit anywhere: the healthy devices' confirmed commits were cancelled (plain ones restored: commit + restore).
      const plain = c.flags.confirmedCommit === false;
      for (const d of DEVICES) expect(suite.lab.device(d.hostname).counters().commits, d.hostname).to.equal(FAULTY.includes(d.hostname) ? 0 : plain ? 2 : 1);
      await expectAllRolledBack();
    });
  }
});
