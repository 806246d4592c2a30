/**
 * Whatever a template does with a secret, nothing shown holds it: dry-run diffs over the API and the CLI,
 * job records, every file in the data dir, the daemon's log, the PR check's report (markdown, text, JSON)
 * and the error of a failed render. The device gets the real values; a device echoing a secret back in
 * its running config is masked too; the drift check keeps comparing real configs.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { localImpactReport } from '../../../src/checks/localReport.ts';
import { createLogger } from '../../../src/logging/logger.ts';
import { runCli } from '../../helpers/cli.ts';
import { OPERATOR_TOKEN, READ_TOKEN } from '../../helpers/daemon.ts';
import type { SyncLoop } from '../../helpers/syncLoop.ts';
import { startSyncLoop } from '../../helpers/syncLoop.ts';

const SECRET = 'Qz8-Secr3t/Wvk+Kyn';

/**
 * Any 6 consecutive characters of the secret, reversed or sorted (case-insensitive, optionally one separator
 * between characters: join, list), or its base64: a string that holds one of these derives from the secret.
 */
function leakPatterns(secret: string): RegExp[] {
  const family = [secret, [...secret].reverse().join(''), [...secret].sort().join('')];
  const out: RegExp[] = [];
  for (const s of family) {
    for (let i = 0; i + 6 <= s.length; i++) {
      out.push(new RegExp([...s.slice(i, i + 6)].map((c) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('[^\\n]?'), 'i'));
    }
  }
  out.push(new RegExp(Buffer.from(secret).toString('base64').slice(0, 12)));
  return out;
}
const LEAKS = leakPatterns(SECRET);

function expectNoLeak(where: string, text: string): void {
  for (const re of LEAKS) {
    const m = re.exec(text);
    expect(m, `${where} holds ${re} at …${m ? text.slice(Math.max(0, m.index - 80), m.index + 40) : ''}…`).to.equal(null);
  }
}

/** Each transformation becomes one interface description on the EOS devices (what the lab's model holds). */
export const TRANSFORMS: [string, string][] = [
  ['as is', '{{ secrets.snmp }}'],
  ['reverse', '{{ secrets.snmp | reverse }}'],
  ['upper', '{{ secrets.snmp | upper }}'],
  ['lower', '{{ secrets.snmp | lower }}'],
  ['replace', '{{ secrets.snmp | replace("-", "_") }}'],
  ['truncate', '{{ secrets.snmp | truncate(9, true, "") }}'],
  ['list | join', '{{ secrets.snmp | list | join(".") }}'],
  ['list | sort | join', '{{ secrets.snmp | list | sort | join }}'],
  ['first of a list', '{{ [secrets.snmp, "x"] | first }}'],
  ['last of a list', '{{ ["x", secrets.snmp] | last }}'],
  ['concatenation', '{{ "pre " ~ secrets.snmp ~ " post" }}'],
  ['urlencode', '{{ secrets.snmp | urlencode }}'],
  ['loop variable', '{% for c in secrets.snmp | list %}{{ c }}{% endfor %}'],
  ['set alias, name built by concatenation, title', '{% set s = secrets["sn" ~ "mp"] %}{{ s | title }}'],
  ['macro argument, capitalize', '{% macro d(v) %}{{ v | capitalize }}{% endmacro %}{{ d(secrets.snmp) }}'],
  ['dictsort over all secrets', '{% for k, v in secrets | dictsort %}{% if k == "snmp" %}{{ v | reverse | upper }}{% endif %}{% endfor %}'],
  ['dump of the secrets object', '{{ secrets | dump | replace("\\"", "") }}'],
];

const transformTemplate = () => TRANSFORMS.map(([, expr], i) => `interface Ethernet${101 + i}\n   description t${i} ${expr}\n`).join('') + '{# the end #}\n';

/** Template bodies that fail to render; the error must not carry the secret either. */
const FAILING: [string, string][] = [
  ['include by a secret name', '{% include secrets.snmp | lower %}\n'],
  ['import by a secret name', '{% import secrets.snmp ~ ".j2" as m %}\n'],
  ['failure only with the real value', `{% if secrets.snmp == "${SECRET}" %}{% include "missing-" ~ secrets.snmp %}{% endif %}\n`],
  ['undefined member of a secret', '{{ secrets.snmp.nosuch.deeper }}\n'],
];

describe('secrets through template transformations, end to end', function () {
  this.timeout(300_000);
  let loop: SyncLoop;
  const log = new PassThrough();
  let logText = '';
  log.on('data', (b: Buffer) => (logText += b.toString('utf8')));

  before(async () => {
    process.env.NETSYNC_SECRET_SNMP = SECRET;
    loop = await startSyncLoop({}, { logger: createLogger('trace', log) });
  });
  after(async () => {
    delete process.env.NETSYNC_SECRET_SNMP;
    await loop?.stopAll();
  });

  it(`${TRANSFORMS.length} transformations: the device gets the real values, nothing shown holds them`, async () => {
    const base = loop.templates.head();
    const entry = readFileSync(join(loop.templates.work, 'eos/access.j2'), 'utf8');
    const head = await loop.push(
      'templates',
      { 'eos/secrets.j2': transformTemplate(), 'eos/access.j2': `${entry}{% include "secrets.j2" %}\n` },
      'eos: secret transformations',
    );
    await loop.waitFor(
      async () => (await loop.t.call('GET', '/api/v1/repositories')).body.repositories.find((r: { name: string }) => r.name === 'templates').knownGood === head,
    );

    // Dry run over the API: the intended side shows placeholders, derived the same way.
    const dry = await loop.syncto({ device_type: 'ACCESS', dry_run: true, resync: true });
    const dryDiff = dry.perDevice['eos-access-1']!.diff!;
    expect(dryDiff, JSON.stringify(dry.perDevice)).to.contain('+   description t0 «secret:snmp»');
    expect(dryDiff).to.contain('+   description t1 »pmns:terces«');
    expect(dryDiff).to.contain('+   description t2 «SECRET:SNMP»');
    expectNoLeak('dry-run job (API)', JSON.stringify((await loop.t.call('GET', `/api/v1/jobs/${dry.id}`)).body));

    // The same over the CLI.
    const cli = await runCli(
      ['sync', '--type', 'access', '--resync', '--dry-run', '--wait', '--json'],
      { NETSYNC_URL: loop.t.url, NETSYNC_TOKEN: OPERATOR_TOKEN },
      120_000,
    );
    expect(cli.code, cli.stderr).to.equal(0);
    expect(cli.stdout).to.contain('«secret:snmp»');
    expectNoLeak('CLI dry run', cli.stdout + cli.stderr);

    // The real push: the device holds the real, transformed values.
    const job = await loop.syncto({ device_type: 'ACCESS', resync: true });
    expect(job.status, JSON.stringify(job.perDevice)).to.equal('FINISHED');
    const running = loop.labFixture.lab.device('eos-access-1').runningConfig();
    expect(running)
      .to.contain(`description t0 ${SECRET}`)
      .and.contain(`description t1 ${[...SECRET].reverse().join('')}`)
      .and.contain(`description t2 ${SECRET.toUpperCase()}`);

    // The drift check still compares real configs: nothing changed, nothing to push.
    const again = await loop.syncto({ device_type: 'ACCESS', resync: true });
    expect(again.perDevice['eos-access-1']!.status).to.equal('unchanged');

    // A later change elsewhere: the unchanged secret lines, read back from the device, line up with the
    // placeholder render and are not part of the diff.
    const interfaces = readFileSync(join(loop.templates.work, 'eos/interfaces.j2'), 'utf8');
    const next = await loop.push(
      'templates',
      { 'eos/interfaces.j2': interfaces.replace('   description {{ intf.description }}', '   description {{ intf.description }} (v2)') },
      'eos: v2 descriptions',
    );
    await loop.waitFor(
      async () => (await loop.t.call('GET', '/api/v1/repositories')).body.repositories.find((r: { name: string }) => r.name === 'templates').knownGood === next,
    );
    const later = await loop.syncto({ device_type: 'ACCESS', resync: true, dry_run: true });
    const laterDiff = later.perDevice['eos-access-1']!.diff!;
    expect(laterDiff).to.contain('(v2)');
    expect(
      laterDiff.split('\n').filter((l) => /^[+-] .*description t\d/.test(l)),
      laterDiff,
    ).to.deep.equal([]);

    // A device echoing the secret on a line no template wrote (an out-of-band change): masked.
    const dev = loop.labFixture.lab.device('eos-access-2');
    const echoed = dev
      .runningConfig()
      .replace('interface Ethernet101\n', `interface Ethernet99\n   description echoed ${SECRET} and ${SECRET.toLowerCase()}\n!\ninterface Ethernet101\n`);
    expect(echoed).to.contain('Ethernet99');
    dev.setRunningConfig(echoed);
    expect(dev.runningConfig()).to.contain(`echoed ${SECRET}`);
    const drift = await loop.syncto({ hostname: 'eos-access-2', dry_run: true });
    expect(drift.perDevice['eos-access-2']!.status).to.equal('drift');
    expect(drift.perDevice['eos-access-2']!.diff, JSON.stringify(drift.perDevice)).to.contain('-   description echoed «secret:snmp» and ');
    await loop.syncto({ hostname: 'eos-access-2', force: true });

    // The PR check's report (what the PR comment, the check page and `netsync impact --render` show).
    const gitops = loop.t.daemon.gitops!;
    const devices = await loop.t.daemon.store.listDevices();
    for (const format of ['markdown', 'text', 'json']) {
      const { output } = await localImpactReport({ impact: gitops.impact, renderer: gitops.renderer, devices }, 'templates', base, head, format);
      expect(output, format).to.contain('secret:snmp');
      expectNoLeak(`PR check (${format})`, output);
    }

    // Failed renders: the push is refused, and its error names no secret.
    const good = readFileSync(join(loop.templates.work, 'eos/access.j2'), 'utf8');
    for (const [name, body] of FAILING) {
      const bad = await loop.push('templates', { 'eos/access.j2': good + body }, `eos: ${name}`);
      const event = await loop.waitFor(async () => {
        const res = await loop.t.call('GET', '/api/v1/repositories', undefined, READ_TOKEN);
        const e = (res.body.events as { after: string | null; kind: string; problems: string[] }[]).find((x) => x.after === bad);
        return e && { e, body: res.body };
      }, 60_000);
      expect(event.e.kind, name).to.equal('rejected');
      expect(event.e.problems.join('\n'), name).to.contain('eos/access.j2');
      expectNoLeak(`repo event of '${name}'`, JSON.stringify(event.body));
      // Back to the good template for the next case.
      await loop.push('templates', { 'eos/access.j2': good }, 'revert');
    }

    // Records and files: the job list over the read-only API, every file in the data dir, the log.
    expectNoLeak('jobs API', JSON.stringify((await loop.t.call('GET', '/api/v1/jobs', undefined, READ_TOKEN)).body));
    expectNoLeak('job records', JSON.stringify(await loop.t.daemon.store.listRecords('jobs')));
    for (const file of filesUnder(loop.t.dir)) expectNoLeak(file, readFileSync(file).toString('latin1'));
    expectNoLeak('daemon log', logText);
    expect(logText.length, 'the log was captured').to.be.greaterThan(0);
  });

  it('the store and the data dir are owner-only after a sync', () => {
    expect(statSync(join(loop.t.dir, 'store.json')).mode & 0o777).to.equal(0o600);
    expect(statSync(loop.t.dir).mode & 0o777).to.equal(0o700);
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}
