import { expect } from 'chai';
import { formValues, parseDeviceEdit, parseNewDevice } from '../../../src/ui/deviceForm.ts';
import { absoluteTime, duration, relativeTime } from '../../../src/ui/format.ts';
import { diffLines } from '../../../src/ui/viewEnv.ts';

describe('ui: the device form and formatting', () => {
  it('turns form strings into a new device: port a number, groups split, empty fields left out', () => {
    const parsed = parseNewDevice(
      formValues({
        hostname: ' sw-9 ',
        managementIp: '2001:db8::1',
        port: '',
        platform: 'eos',
        type: 'ACCESS',
        groups: 'campus, , lab',
        transport: '',
        state: 'MANAGED',
      }),
    );
    expect(parsed).to.deep.equal({
      ok: true,
      value: { hostname: 'sw-9', managementIp: '2001:db8::1', platform: 'eos', type: 'ACCESS', groups: ['campus', 'lab'], state: 'MANAGED' },
    });
  });

  it('names each bad field with its own message', () => {
    const parsed = parseNewDevice(formValues({ hostname: '-bad', managementIp: '10.0.0.300', port: '80x', platform: '', type: 'ACCESS', transport: 'telnet' }));
    expect(parsed.ok).to.equal(false);
    if (parsed.ok) return;
    expect(Object.keys(parsed.errors).sort()).to.deep.equal(['hostname', 'managementIp', 'platform', 'port', 'transport']);
    expect(parsed.errors.managementIp).to.equal('must be an IPv4 or IPv6 address');
    expect(parsed.errors.port).to.contain('whole number');
    // A form field that is not a string (a crafted array) counts as empty.
    expect(formValues({ hostname: ['a', 'b'] }).hostname).to.equal('');
  });

  it('the edit form clears groups when emptied and takes no hostname or state', () => {
    const parsed = parseDeviceEdit(
      formValues({ hostname: 'ignored', state: 'UNMANAGED', managementIp: '10.0.0.1', platform: 'eos', type: 'DIST', groups: '' }),
    );
    expect(parsed).to.deep.equal({ ok: true, value: { managementIp: '10.0.0.1', platform: 'eos', type: 'DIST', groups: [] } });
  });

  it('times read relative beside absolute UTC; diffs split into classed lines', () => {
    const now = new Date('2026-12-06T12:00:00Z');
    expect(relativeTime('2026-12-06T10:40:00Z', now)).to.equal('1 h 20 min ago');
    expect(relativeTime('2026-12-06T12:00:02Z', now)).to.equal('just now');
    expect(relativeTime('2026-12-08T12:00:00Z', now)).to.equal('in 2 d');
    expect(absoluteTime('2026-12-06T10:40:00.123Z')).to.equal('2026-12-06 10:40:00 UTC');
    expect(duration(3600 * 26 + 61)).to.equal('1 d 2 h');
    expect(diffLines('--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n z').map((l) => l.kind)).to.deep.equal(['meta', 'meta', 'hunk', 'del', 'add', 'ctx']);
  });
});
