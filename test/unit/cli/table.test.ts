/** The CLI's tables: one line per row, at most 120 columns, untrusted text made printable; short causes. */
import { expect } from 'chai';
import { renderStatusTable, lastCause } from '../../../src/cli/commands/status.ts';
import { shortActor } from '../../../src/cli/format.ts';
import { formatTable } from '../../../src/cli/table.ts';
import { buildDevice } from '../../../src/model/device.ts';

describe('cli: tables', () => {
  it('fits 120 columns, cutting the widest column with an ellipsis', () => {
    const out = formatTable(
      ['NAME', 'DETAIL'],
      [
        ['sw-1', 'x'.repeat(300)],
        ['sw-2', 'short'],
      ],
    );
    const lines = out.split('\n');
    expect(lines).to.have.length(6);
    for (const line of lines) expect(line.length, line).to.equal(120);
    expect(lines[3]).to.match(/^│ sw-1 │ x+… │$/);
    expect(lines[4]).to.match(/^│ sw-2 │ short +│$/);
  });

  it('keeps narrow tables narrow and turns control characters into ?', () => {
    const lines = formatTable(['A'], [['evil\u001b[2Jname\nnext']]).split('\n');
    expect(lines[0]).to.equal(`┌${'─'.repeat(19)}┐`);
    expect(lines[3]).to.equal('│ evil?[2Jname next │');
  });

  it('shortens a git identity to the name and a job to a short id', () => {
    expect(shortActor('Jane Doe <jane@example.net>')).to.equal('Jane Doe');
    expect(shortActor('job:0f5e2d1c-7a2b-4c3d-9e8f-001122334455')).to.equal('job:0f5e2d1c');
    expect(shortActor('api:ops')).to.equal('api:ops');
    expect(lastCause({ cause: 'settings_changed', by: 'Jane Doe <jane@example.net>', at: '', commit: '419efb12ae0123456789' })).to.equal(
      'settings_changed (Jane Doe, 419efb12)',
    );
  });

  it('the status table of devices with long causes fits 120 columns', () => {
    const now = new Date('2026-01-01T01:00:00Z');
    const devices = Array.from({ length: 3 }, (_, i) => ({
      ...buildDevice({ hostname: `a-rather-long-hostname-for-a-switch-${i}`, managementIp: '10.0.0.1', platform: 'eos', type: 'ACCESS' }, now),
      synchronized: false,
      unsyncedSince: '2026-01-01T00:00:00Z',
      lastEvent: {
        cause: 'templates_changed',
        by: 'A Person With A Very Long Name Indeed <a.person.with.a.long.name@example.net>',
        at: '',
        commit: 'f'.repeat(40),
      },
    }));
    const lines = renderStatusTable(devices, now).trimEnd().split('\n');
    for (const line of lines) expect(line.length, line).to.be.at.most(120);
    expect(lines[3]).to.contain('a-rather-long-hostname-for-a-switch-0').and.contain('templates_changed (A Person');
  });
});
