/**
 * A real Nagios (nagios4-core) runs `netsync check-unsynced` as an active check
 * against a running daemon, and receives passive results from the daemon's own
 * sweep through its command FIFO. States are read from Nagios's status.dat.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { NETSYNC_BIN } from '../../helpers/cli.ts';
import { READ_TOKEN, deviceInput, startTestDaemon } from '../../helpers/daemon.ts';
import { NAGIOS_BIN, startNagios } from '../../peers/nagios.ts';
import { Stops, makeOld } from './helpers.ts';

const HOST = 'netsync-daemon';
const CHECK_DUMMY = '/usr/lib/nagios/plugins/check_dummy'; // monitoring-plugins-basic
const CRITICAL = (s: Record<string, string>) => s.current_state === '2' && s.plugin_output!.startsWith('UNSYNCED CRITICAL');
const OK = (s: Record<string, string>) => s.has_been_checked === '1' && s.current_state === '0' && s.plugin_output!.startsWith('UNSYNCED OK');

describe('alarms: real Nagios', function () {
  this.timeout(90_000);
  before(function () {
    for (const bin of [NAGIOS_BIN, CHECK_DUMMY]) {
      if (!existsSync(bin)) throw new Error(`${bin} missing: run test/setup.sh (installs nagios4-core, monitoring-plugins-basic)`);
    }
  });

  const stops = new Stops();
  afterEach(stops.run);

  describe('active check: Nagios runs netsync check-unsynced', () => {
    it('goes CRITICAL when a device stays unsynchronized past the threshold, OK once it is synchronized', async () => {
      const t = stops.daemon(await startTestDaemon());
      expect((await t.call('POST', '/api/v1/devices', deviceInput('sw-1'))).status).to.equal(201);
      expect((await t.call('POST', '/api/v1/devices', deviceInput('sw-2'))).status).to.equal(201);
      const active = {
        host: HOST,
        service: 'netsync-unsynced',
        active: true,
        checkInterval: 1,
        command: `${process.execPath} ${NETSYNC_BIN} check-unsynced --url ${t.url} --token $USER2$ --warning 30m --critical 1h`,
      };
      const nagios = stops.add(await startNagios([active], { $USER2$: READ_TOKEN }));
      // Fresh devices: unsynchronized, but well under 30 minutes.
      const first = await nagios.waitFor(HOST, 'netsync-unsynced', OK);
      expect(first.plugin_output).to.equal('UNSYNCED OK - 2 of 2 managed devices unsynchronized, none longer than 30m');

      await makeOld(t, 'sw-1', 2 * 3600);
      const crit = await nagios.waitFor(HOST, 'netsync-unsynced', CRITICAL);
      expect(crit.plugin_output).to.equal('UNSYNCED CRITICAL - 1 device unsynchronized longer than 1h: sw-1');
      expect(crit.performance_data).to.match(/^unsynced=2;;;0;2 warning=0;;;0;2 critical=1;;;0;2 oldest=720\ds;1800;3600;0 rejected_repos=0;;;0$/);
      expect(crit.long_plugin_output).to.match(/^sw-1: CRITICAL, unsynchronized since .* \(2h\d*s?\), last cause manual by api:ops\\nsw-2: OK/);

      await t.daemon.syncStatus.markSynced(['sw-1', 'sw-2'], { by: 'test' });
      const ok = await nagios.waitFor(HOST, 'netsync-unsynced', OK);
      expect(ok.plugin_output).to.equal('UNSYNCED OK - all 2 managed devices synchronized');
    });
  });

  describe('passive results: the daemon sweep writes to the Nagios command FIFO', () => {
    it('shows CRITICAL then OK from passive results, and a stale result turns the service red through the freshness check', async () => {
      const SERVICE = 'netsync-unsynced-passive';
      const passive = {
        host: HOST,
        service: SERVICE,
        active: false,
        freshnessThreshold: 4,
        // What Nagios runs itself when results stop arriving: the daemon (or its sweep) is dead.
        command: `${CHECK_DUMMY} 2 "no passive result from netsync: is the daemon running?"`,
      };
      const nagios = stops.add(await startNagios([passive]));
      const alarms = { sweep: '* * * * * *', passive: { commandFile: nagios.commandFile, host: HOST, service: SERVICE } };
      const t = stops.daemon(await startTestDaemon({ extra: { alarms } }));
      expect((await t.call('POST', '/api/v1/devices', deviceInput('sw-1'))).status).to.equal(201);
      await nagios.waitFor(HOST, SERVICE, (s) => OK(s) && s.check_type === '1');

      await makeOld(t, 'sw-1', 3 * 3600);
      const crit = await nagios.waitFor(HOST, SERVICE, CRITICAL);
      expect(crit.plugin_output).to.equal('UNSYNCED CRITICAL - 1 device unsynchronized longer than 1h: sw-1');
      expect(crit.check_type).to.equal('1'); // passive
      expect(crit.long_plugin_output).to.match(/^sw-1: CRITICAL, unsynchronized since /);

      await t.daemon.syncStatus.markSynced(['sw-1'], { by: 'test' });
      const ok = await nagios.waitFor(HOST, SERVICE, OK);
      expect(ok.plugin_output).to.equal('UNSYNCED OK - all 1 managed devices synchronized');

      // The daemon dies: no more passive results, and Nagios's freshness check goes red by itself.
      await t.stop();
      const stale = await nagios.waitFor(HOST, SERVICE, (s) => s.current_state === '2' && s.plugin_output!.includes('no passive result'));
      expect(stale.plugin_output).to.equal('CRITICAL: no passive result from netsync: is the daemon running?');
      expect(stale.check_type).to.equal('0'); // Nagios ran the freshness command itself
    });
  });
});
