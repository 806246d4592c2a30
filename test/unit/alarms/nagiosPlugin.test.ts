import { expect } from 'chai';
import { DEFAULT_THRESHOLDS, evaluateUnsynced } from '../../../src/alarms/evaluate.ts';
import { pluginResult, unknownResult } from '../../../src/alarms/nagiosPlugin.ts';
import { passiveCheckLine } from '../../../src/alarms/passive.ts';
import { NOW, device } from './fixtures.ts';

const report = (...devices: Parameters<typeof device>[]) =>
  evaluateUnsynced(
    devices.map((a) => device(...a)),
    DEFAULT_THRESHOLDS,
    NOW,
  );

describe('alarms: Nagios plugin output', () => {
  it('CRITICAL: status line names the devices over the critical threshold, perfdata, one long-output line per device', () => {
    const r = pluginResult(report(['sw-1', 5400], ['sw-2', 4000], ['sw-3', 3700], ['sw-4', 2000], ['sw-5', 60], ['ok-1', null]));
    expect(r.exitCode).to.equal(2);
    const [first, ...rest] = r.text.split('\n');
    expect(first).to.equal(
      'UNSYNCED CRITICAL - 3 devices unsynchronized longer than 1h: sw-1, sw-2, sw-3; 1 longer than 30m: sw-4' +
        ' | unsynced=5;;;0;6 warning=1;;;0;6 critical=3;;;0;6 oldest=5400s;1800;3600;0 rejected_repos=0;;;0',
    );
    expect(rest).to.have.length(5);
    expect(rest[0]).to.equal('sw-1: CRITICAL, unsynchronized since 2026-11-22T10:30:00.000Z (1h30m), last cause settings_changed by git:alice');
    expect(rest[4]).to.match(/^sw-5: OK, unsynchronized since .* \(1m\)/);
  });

  it('WARNING exits 1 and names only the warning devices', () => {
    const r = pluginResult(report(['sw-1', 1801], ['sw-2', 10]));
    expect(r.exitCode).to.equal(1);
    expect(r.text.split('\n')[0]).to.equal(
      'UNSYNCED WARNING - 1 device unsynchronized longer than 30m: sw-1 | unsynced=2;;;0;2 warning=1;;;0;2 critical=0;;;0;2 oldest=1801s;1800;3600;0 rejected_repos=0;;;0',
    );
  });

  it('OK exits 0, with and without unsynchronized devices under the thresholds', () => {
    const none = pluginResult(report(['ok-1', null], ['ok-2', null]));
    expect(none.exitCode).to.equal(0);
    expect(none.text).to.equal(
      'UNSYNCED OK - all 2 managed devices synchronized | unsynced=0;;;0;2 warning=0;;;0;2 critical=0;;;0;2 oldest=0s;1800;3600;0 rejected_repos=0;;;0',
    );
    const some = pluginResult(report(['sw-1', 1800], ['ok-1', null]));
    expect(some.exitCode).to.equal(0);
    expect(some.text.split('\n')[0]).to.match(/^UNSYNCED OK - 1 of 2 managed devices unsynchronized, none longer than 30m \| /);
  });

  it('UNKNOWN exits 3 with the reason on one line and no perfdata separator', () => {
    const r = unknownResult('cannot reach\nthe daemon | really');
    expect(r.exitCode).to.equal(3);
    expect(r.text).to.equal('UNSYNCED UNKNOWN - cannot reach the daemon / really');
  });

  it('keeps a "|" or newline in who caused it out of the perfdata and line structure', () => {
    const r = pluginResult(report(['sw-1', 7200, { lastEvent: { cause: 'manual', by: 'git:Ann | Ops\nTeam', at: 'x' } }]));
    const lines = r.text.split('\n');
    expect(lines).to.have.length(2);
    expect(lines[1]).to.match(/by git:Ann \/ Ops Team$/);
  });

  it('lists at most 10 names on the status line, everyone in the long output', () => {
    const many = Array.from({ length: 13 }, (_, i) => [`sw-${i + 1}`, 7200 - i] as [string, number]);
    const r = pluginResult(report(...many));
    expect(r.text.split('\n')[0]).to.contain('sw-9, sw-10 (+3 more) |');
    expect(r.text.split('\n')).to.have.length(14);
  });
});

describe('alarms: passive check result', () => {
  it('is one PROCESS_SERVICE_CHECK_RESULT line with the exit code and escaped long output', () => {
    const line = passiveCheckLine(report(['sw-1', 5400], ['sw-2', 60]), { host: 'netsync', service: 'unsynced' }, NOW);
    expect(line.endsWith('\n')).to.equal(true);
    expect(line.slice(0, -1)).to.not.contain('\n');
    expect(line).to.match(
      /^\[1795348800\] PROCESS_SERVICE_CHECK_RESULT;netsync;unsynced;2;UNSYNCED CRITICAL - 1 device unsynchronized longer than 1h: sw-1 \| /,
    );
    expect(line).to.contain('\\nsw-1: CRITICAL');
    expect(line).to.contain('\\nsw-2: OK');
  });

  it('stays under PIPE_BUF so a FIFO write is atomic, saying how many devices were left out', () => {
    const many = Array.from({ length: 500 }, (_, i) => [`a-rather-long-device-name-${i}`, 7200] as [string, number]);
    const line = passiveCheckLine(report(...many), { host: 'netsync', service: 'unsynced' }, NOW);
    expect(Buffer.byteLength(line)).to.be.below(4096);
    expect(line).to.match(/\\n\(\+\d+ more devices\)\n$/);
  });
});
