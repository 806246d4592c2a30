/** A real Prometheus scrapes the daemon's /metrics and evaluates the example alert rule. */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deviceInput, startTestDaemon } from '../../helpers/daemon.ts';
import { PROMETHEUS_BIN, PROMTOOL_BIN, startPrometheus } from '../../peers/prometheus.ts';
import { Stops, makeOld } from './helpers.ts';

const RULES = fileURLToPath(new URL('../../../examples/prometheus/netsync-alerts.yml', import.meta.url));
const METRICS_TOKEN = 'prometheus-scrape-token-0123456789';
const run = promisify(execFile);

describe('alarms: real Prometheus', function () {
  this.timeout(60_000);
  before(function () {
    for (const bin of [PROMETHEUS_BIN, PROMTOOL_BIN]) if (!existsSync(bin)) throw new Error(`${bin} missing: run test/setup.sh (installs prometheus)`);
  });

  it('promtool accepts the example rule file, and the rule fires only after `for: 1h`', async () => {
    const check = await run(PROMTOOL_BIN, ['check', 'rules', RULES]);
    expect(check.stdout).to.contain('SUCCESS: 2 rules found');

    // promtool's rule unit test: a device unsynchronized from t=0 is pending until 1h, firing after.
    const dir = await mkdtemp(join(tmpdir(), 'netsync-promtool-'));
    try {
      await writeFile(
        join(dir, 'rules.test.yml'),
        `rule_files: ['${RULES}']
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: 'netsync_device_unsynchronized_seconds{hostname="sw-1",job="netsync"}'
        values: '0+60x120'
      - series: 'netsync_device_unsynchronized_seconds{hostname="sw-2",job="netsync"}'
        values: '_x30 0+60x90'
    alert_rule_test:
      - eval_time: 59m
        alertname: NetsyncDeviceUnsynchronized
        exp_alerts: []
      - eval_time: 62m
        alertname: NetsyncDeviceUnsynchronized
        exp_alerts:
          - exp_labels: {severity: critical, hostname: sw-1, job: netsync}
            exp_annotations:
              summary: 'sw-1 unsynchronized for more than 1h'
              description: 'sw-1 has been unsynchronized for 1h 2m 0s; run syncto or check the last cause with: netsync status --unsynced'
`,
      );
      const unit = await run(PROMTOOL_BIN, ['test', 'rules', join(dir, 'rules.test.yml')]);
      expect(unit.stdout).to.contain('SUCCESS');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('scraping /metrics', () => {
    const stops = new Stops();
    afterEach(stops.run);

    it('reads per-device unsynchronized seconds through the metrics token and loads the example rule (pending)', async () => {
      const t = stops.daemon(await startTestDaemon({ extra: { alarms: { metrics: { token: METRICS_TOKEN } } } }));
      for (const h of ['sw-1', 'sw-2']) expect((await t.call('POST', '/api/v1/devices', deviceInput(h))).status).to.equal(201);
      expect((await t.call('POST', '/api/v1/devices', deviceInput('lab-1', { state: 'UNMANAGED' }))).status).to.equal(201);
      const madeOldAt = Date.now();
      await makeOld(t, 'sw-1', 2 * 3600);
      await t.daemon.syncStatus.markSynced(['sw-2'], { by: 'test' });

      const target = new URL(t.url).host;
      const p = stops.add(
        await startPrometheus(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ['${RULES}']
scrape_configs:
  - job_name: netsync
    authorization:
      credentials: ${METRICS_TOKEN}
    static_configs:
      - targets: ['${target}']
`),
      );
      const [sample] = await p.waitFor('sw-1 age', async () => {
        const data = await p.api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(
          `/api/v1/query?query=${encodeURIComponent('netsync_device_unsynchronized_seconds')}`,
        );
        return data.result.length > 0 ? data.result : undefined;
      });
      expect(sample!.metric).to.include({ hostname: 'sw-1', job: 'netsync' });
      // Two hours, plus however long it took to get here (not a guess at how slow the machine is).
      expect(Number(sample!.value[1])).to.be.within(7200, 7200 + Math.ceil((Date.now() - madeOldAt) / 1000) + 1);

      const counts = await p.api<{ result: { value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent('netsync_devices_unsynchronized')}`);
      expect(counts.result[0]!.value[1]).to.equal('1'); // sw-2 synchronized, lab-1 UNMANAGED

      const rule = await p.waitFor('the alert rule to evaluate', async () => {
        const data = await p.api<{ groups: { rules: { name: string; state: string; health: string; alerts: { labels: Record<string, string> }[] }[] }[] }>(
          '/api/v1/rules',
        );
        const r = data.groups.flatMap((g) => g.rules).find((x) => x.name === 'NetsyncDeviceUnsynchronized');
        return r && r.state !== 'inactive' ? r : undefined;
      });
      expect(rule.health).to.equal('ok');
      expect(rule.state).to.equal('pending'); // `for: 1h` has only just started counting
      expect(rule.alerts.map((a) => a.labels.hostname)).to.deep.equal(['sw-1']);
    });
  });
});
