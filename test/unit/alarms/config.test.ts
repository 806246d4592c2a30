import { expect } from 'chai';
import { parseConfig } from '../../../src/config/load.ts';
import type { NetsyncError } from '../../../src/model/errors.ts';

function refusal(alarms: unknown): NetsyncError {
  try {
    parseConfig({ alarms }, {});
  } catch (err) {
    return err as NetsyncError;
  }
  throw new Error('expected the config to be refused');
}

describe('alarms: config section', () => {
  it('defaults to warning 30m, critical 1h, a sweep every minute, /metrics on, no passive, no targets', () => {
    const { alarms } = parseConfig({}, {});
    expect(alarms).to.deep.equal({ warning: '30m', critical: '1h', sweep: '* * * * *', notifications: [], metrics: { enabled: true } });
  });

  it('fills target defaults and takes secrets from the environment', () => {
    const { alarms } = parseConfig(
      { alarms: { notifications: [{ url: 'https://hooks.example.net/x', headers: { authorization: 'Bearer ${HOOK}' } }] } },
      { HOOK: 'hook-secret' },
    );
    expect(alarms.notifications[0]).to.deep.equal({
      url: 'https://hooks.example.net/x',
      kind: 'generic',
      level: 'critical',
      reminder: '4h',
      headers: { authorization: 'Bearer hook-secret' },
    });
  });

  it('names each bad key', () => {
    const cases: [unknown, string][] = [
      [{ critical: '1hr' }, 'alarms.critical'],
      [{ warning: '2h', critical: '1h' }, 'alarms.warning'],
      [{ sweep: 'every minute' }, 'alarms.sweep'],
      [{ passive: { host: 'netsync' } }, 'alarms.passive.commandFile'],
      [{ notifications: [{ url: 'ftp://x' }] }, 'alarms.notifications.0.url'],
      [{ notifications: [{ url: 'http://x', kind: 'slack' }] }, 'alarms.notifications.0.kind'],
      [{ metrics: { token: 'short' } }, 'alarms.metrics.token'],
      [{ treshold: '1h' }, "'alarms.treshold'"],
    ];
    for (const [alarms, key] of cases) {
      const err = refusal(alarms);
      expect(err.code, key).to.equal('CONFIG_INVALID');
      expect(err.message, key).to.contain(key);
    }
  });
});
