/**
 * The page a commit status links to, loaded in a real browser (headless Chromium): hostile text from
 * repos and devices stays text, nothing runs, and the table and diffs are there. No token needed.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildReport } from '../../../src/checks/buildReport.ts';
import { CheckRecords } from '../../../src/checks/checkRecords.ts';
import type { CheckRecord } from '../../../src/checks/model.ts';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { removeDir, startTestDaemon } from '../../helpers/daemon.ts';

const HOSTILE = `<img src=x onerror="document.title='pwned'"><script>document.title='pwned'</script>`;

async function chromiumDom(url: string): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'netsync-chromium-'));
  try {
    const { stdout } = await promisify(execFile)(
      'chromium',
      ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${profile}`, '--virtual-time-budget=2000', '--dump-dom', url],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe('checks: the HTML page in Chromium', function () {
  this.timeout(90_000);
  let t: TestDaemon;

  before(async () => {
    t = await startTestDaemon();
  });
  after(async () => {
    await t.stop();
    await removeDir(t.dir);
  });

  it('renders the devices and diffs; injected markup stays text and no script runs', async () => {
    const report = await buildReport({
      baseSha: 'f95f852bd8fca8fcc58a9a2d6c842781e32a215e',
      headSha: 'ec26c3e57ca3a959ca5aad62de7213c562f8c821',
      devices: [
        {
          hostname: 'sw-1',
          type: 'ACCESS',
          platform: 'eos',
          reason: `settings ${HOSTILE}`,
          before: { ok: true, config: 'vlan 10\n' },
          after: { ok: true, config: `vlan 10\nbanner ${HOSTILE}\n` },
        },
        {
          hostname: 'sw-2',
          type: 'ACCESS',
          platform: 'eos',
          reason: 'templates eos/access.j2',
          after: { ok: false, error: { message: "undefined variable 'vlan'", template: 'eos/access.j2', line: 4 } },
        },
      ],
    });
    const check: CheckRecord = {
      id: CheckRecords.newId(),
      provider: 'github',
      repo: 'netops/templates',
      number: 2,
      title: HOSTILE,
      action: 'opened',
      baseSha: report.baseSha,
      headSha: report.headSha,
      context: 'netsync/impact',
      state: report.conclusion,
      description: report.description,
      report,
      publishErrors: [],
      createdAt: '2026-11-22T04:00:00.000Z',
      updatedAt: '2026-11-22T04:00:01.000Z',
    };
    await t.daemon.checks.records.save(check);

    const dom = await chromiumDom(`${t.url}/checks/${check.id}`);
    expect(dom).to.contain('<title>netsync check netops/templates #2</title>');
    expect(dom).to.not.contain('pwned</title>');
    expect(dom).to.not.match(/<img|<script/);
    expect(dom).to.contain('settings &lt;img src=x');
    expect(dom.match(/<tr class="(changed|render_failed)">/g)).to.have.length(2);
    expect(dom).to.contain("<strong>sw-2</strong>: undefined variable 'vlan' (eos/access.j2 line 4)");
    expect(dom).to.contain('<span class="add">+banner &lt;img');
    expect(dom).to.contain('render failed on sw-2');
  });
});
