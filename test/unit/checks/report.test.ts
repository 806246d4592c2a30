import { expect } from 'chai';
import { buildReport, STATUS_DESCRIPTION_MAX } from '../../../src/checks/buildReport.ts';
import { htmlReport } from '../../../src/checks/htmlReport.ts';
import { COMMENT_MARKER, markdownReport } from '../../../src/checks/markdownReport.ts';
import { MASK, maskSecretShapes } from '../../../src/checks/maskSecrets.ts';
import type { CheckRecord, ImpactedDevice } from '../../../src/checks/model.ts';

const BASE = 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e';
const HEAD = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';

function dev(hostname: string, type: string, before: string, after: string, reason = 'settings access/vlans.yml'): ImpactedDevice {
  return { hostname, type, platform: 'eos', reason, before: { ok: true, config: before }, after: { ok: true, config: after } };
}

describe('checks report', () => {
  describe('maskSecretShapes', () => {
    it('masks CLI secrets and NETCONF secret elements, keeping the line count', async () => {
      const cli = [
        'hostname sw-1',
        'username admin privilege 15 secret sha512 $6$abc',
        'snmp-server community s3cr3t ro',
        'enable password 0 hunter2',
        'ntp server 10.0.0.1',
      ].join('\n');
      const masked = maskSecretShapes(cli);
      expect(masked).to.not.match(/\$6\$abc|s3cr3t|hunter2/);
      expect(masked.split('\n')).to.have.length(5);
      expect(masked).to.contain('ntp server 10.0.0.1').and.contain(`secret ${MASK}`);
      const xml = '<user><name>a</name><encrypted-password>$1$x</encrypted-password></user><community-string>pub</community-string>';
      expect(maskSecretShapes(xml)).to.equal(
        `<user><name>a</name><encrypted-password>${MASK}</encrypted-password></user><community-string>${MASK}</community-string>`,
      );
    });
  });

  describe('buildReport', () => {
    it('counts changed devices by type and describes them', async () => {
      const devices = [
        ...Array.from({ length: 10 }, (_, i) => dev(`acc-${i + 1}`, 'ACCESS', 'vlan 10\n', 'vlan 10\nvlan 20\n')),
        dev('dist-1', 'DIST', 'a\n', 'b\n'),
        dev('dist-2', 'DIST', 'a\n', 'c\n'),
        dev('core-1', 'CORE', 'same\n', 'same\n'),
      ];
      const r = await buildReport({ baseSha: BASE, headSha: HEAD, devices });
      expect(r.conclusion).to.equal('success');
      expect(r.description).to.equal('12 devices: 10 ACCESS, 2 DIST');
      expect(r.countsByType).to.deep.equal({ ACCESS: 10, DIST: 2 });
      expect([r.changed, r.unchanged, r.failed]).to.deep.equal([12, 1, 0]);
      // Natural sort: acc-2 before acc-10.
      expect(r.devices.slice(0, 3).map((d) => d.hostname)).to.deep.equal(['acc-1', 'acc-2', 'acc-3']);
      const acc = r.devices[0]!;
      expect([acc.added, acc.removed]).to.deep.equal([1, 0]);
      expect(acc.diff).to.contain('+vlan 20').and.contain('--- a/acc-1');
    });

    it('says "no devices affected" when nothing is impacted', async () => {
      const r = await buildReport({ baseSha: BASE, headSha: HEAD, devices: [] });
      expect(r).to.include({ conclusion: 'success', description: 'no devices affected' });
    });

    it('fails naming the device and the template line, within 140 characters', async () => {
      const failing: ImpactedDevice = {
        hostname: 'sw-3',
        type: 'ACCESS',
        platform: 'eos',
        reason: 'templates eos/access.j2',
        before: { ok: true, config: 'x' },
        after: { ok: false, error: { message: `undefined variable 'vlan' ${'and a very long explanation '.repeat(10)}`, template: 'eos/access.j2', line: 12 } },
      };
      const r = await buildReport({ baseSha: BASE, headSha: HEAD, devices: [dev('sw-1', 'ACCESS', 'a', 'b'), failing, { ...failing, hostname: 'sw-4' }] });
      expect(r.conclusion).to.equal('failure');
      expect([...r.description].length).to.be.at.most(STATUS_DESCRIPTION_MAX);
      expect(r.description).to.match(/^render failed on sw-3 \(\+1 more\): undefined variable 'vlan'/);
      expect(r.description).to.match(/\(eos\/access\.j2 line 12\)$/);
      expect(r.failed).to.equal(2);
    });

    it('flags a change only in secret values, which the masked diff cannot show', async () => {
      const r = await buildReport({ baseSha: BASE, headSha: HEAD, devices: [dev('sw-1', 'ACCESS', 'enable secret one\n', 'enable secret two\n')] });
      expect(r.devices[0]).to.include({ outcome: 'changed', secretsChanged: true, diff: '' });
      expect(JSON.stringify(r)).to.not.match(/secret (one|two)/);
      // Value-masked by the renderer: identical texts, different hashes.
      const masked: ImpactedDevice = {
        ...dev('sw-2', 'ACCESS', '', ''),
        before: { ok: true, config: `tacacs key ${MASK}\n`, hash: 'sha256:1' },
        after: { ok: true, config: `tacacs key ${MASK}\n`, hash: 'sha256:2' },
      };
      const same = { ...masked, hostname: 'sw-3', after: { ok: true as const, config: `tacacs key ${MASK}\n`, hash: 'sha256:1' } };
      const r2 = await buildReport({ baseSha: BASE, headSha: HEAD, devices: [masked, same] });
      expect(r2.devices.map((d) => [d.outcome, d.secretsChanged ?? false])).to.deep.equal([
        ['changed', true],
        ['unchanged', false],
      ]);
    });

    it('treats a base that failed to render as empty', async () => {
      const d: ImpactedDevice = { ...dev('sw-1', 'ACCESS', '', 'a\nb\n'), before: { ok: false, error: { message: 'boom' } } };
      const r = await buildReport({ baseSha: BASE, headSha: HEAD, devices: [d] });
      expect(r.conclusion).to.equal('success');
      expect(r.devices[0]!.added).to.equal(2);
    });
  });

  describe('markdownReport', () => {
    it('has the marker, the table, collapsible diffs and the failures', async () => {
      const r = await buildReport({
        baseSha: BASE,
        headSha: HEAD,
        devices: [
          dev('sw-1', 'ACCESS', 'a\n', 'b\n', 'settings devices/sw-1/x.yml | odd'),
          { ...dev('sw-2', 'ACCESS', '', ''), after: { ok: false, error: { message: "undefined variable 'vlan'", template: 'access.j2', line: 4 } } },
        ],
      });
      const md = markdownReport(r, { reportUrl: 'http://netsync.test/checks/1' });
      expect(md.startsWith(COMMENT_MARKER)).to.equal(true);
      expect(md).to.contain('| sw-1 | ACCESS | settings devices/sw-1/x.yml \\| odd | +1 −1 |');
      expect(md).to.contain("**render failed on sw-2**: undefined variable 'vlan' (access.j2 line 4)");
      expect(md).to.contain('<details><summary>sw-1 (+1 −1)</summary>').and.contain('```diff\n');
      expect(md).to.contain('[full report](http://netsync.test/checks/1)');
    });

    it('stays within the size limit by cutting and leaving out diffs', async () => {
      const big = Array.from({ length: 3000 }, (_, i) => `interface Ethernet${i}\n description port ${i}`).join('\n');
      const devices = Array.from({ length: 40 }, (_, i) => dev(`sw-${i}`, 'ACCESS', '', big));
      const r = await buildReport({ baseSha: BASE, headSha: HEAD, devices });
      for (const maxChars of [65_536, 10_000]) {
        const md = markdownReport(r, { maxChars, reportUrl: 'http://n/checks/1' });
        expect(md.length).to.be.at.most(maxChars);
        expect(md).to.contain('diff(s) not shown');
        expect(md).to.contain('| sw-39 |');
      }
      // Without a limit problem, every diff is there in full.
      const small = await buildReport({
        baseSha: BASE,
        headSha: HEAD,
        devices: devices.slice(0, 2).map((d) => ({ ...d, after: { ok: true as const, config: 'x\n' } })),
      });
      expect(markdownReport(small)).to.not.contain('not shown');
    });

    it('escapes HTML and a second marker coming from device data', async () => {
      const r = await buildReport({ baseSha: BASE, headSha: HEAD, devices: [dev('sw-1', 'ACCESS', 'a\n', 'b\n', `<!-- netsync:impact --><script>`)] });
      const md = markdownReport(r);
      expect(md.split(COMMENT_MARKER)).to.have.length(2);
      expect(md).to.not.contain('<script>');
    });

    it('uses a longer fence when a diff contains backticks', async () => {
      const r = await buildReport({ baseSha: BASE, headSha: HEAD, devices: [dev('sw-1', 'ACCESS', 'a\n', 'banner ```\n')] });
      expect(markdownReport(r)).to.contain('````diff');
    });
  });

  describe('htmlReport', () => {
    it('escapes everything and lists devices and diffs', async () => {
      const report = await buildReport({ baseSha: BASE, headSha: HEAD, devices: [dev('sw-<1>', 'ACCESS', 'a\n', 'b & c\n')] });
      const check: CheckRecord = {
        id: 'x',
        provider: 'github',
        repo: 'o/r',
        number: 2,
        action: 'opened',
        baseSha: BASE,
        headSha: HEAD,
        context: 'netsync/impact',
        state: 'success',
        description: report.description,
        report,
        publishErrors: [],
        createdAt: '2026-01-01T00:00:00Z',
        updatedAt: '2026-01-01T00:00:00Z',
      };
      const html = htmlReport(check);
      expect(html).to.contain('sw-&lt;1&gt;').and.contain('<span class="add">+b &amp; c</span>');
      expect(html).to.not.contain('sw-<1>');
      const trimmed = htmlReport({ ...check, report: { ...report, devices: [] }, detailsTrimmed: true });
      expect(trimmed).to.contain('were removed to keep the store small').and.not.contain('No devices affected');
    });
  });
});
