/**
 * The web interface in a real browser (Debian's Chromium, headless, driven by playwright-core) against the
 * quick start's loop: lab devices over SSH, real bare repos with the post-receive hook, a real git push.
 * Set NETSYNC_SCREENSHOTS=<dir> to also save the docs' screenshots of the main pages there.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TestBrowser } from '../../helpers/browser.ts';
import { launchChromium, seriousA11yProblems, signIn } from '../../helpers/browser.ts';
import { OPERATOR_TOKEN, READ_TOKEN } from '../../helpers/daemon.ts';
import type { SyncLoop } from '../../helpers/syncLoop.ts';
import { startSyncLoop } from '../../helpers/syncLoop.ts';

const SCREENSHOTS = process.env.NETSYNC_SCREENSHOTS;
/** A secret the daemon is given (NETSYNC_SECRET_CIRCUIT) and a template puts into the config, later on. */
const SECRET = 'circuit-s3cr3t-4711';

describe('web interface in Chromium', function () {
  this.timeout(120_000);
  let loop: SyncLoop;
  let chromium: TestBrowser;
  let page: Page;
  const consoleProblems: string[] = [];

  const url = (path: string) => `${loop.t.url}${path}`;
  const row = (hostname: string) => page.locator(`#device-rows tr[data-hostname="${hostname}"]`);
  async function shot(name: string): Promise<void> {
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }
  /** Set in the page's window: still there later means the page was never reloaded. */
  async function markPage(): Promise<void> {
    await page.evaluate(() => ((window as unknown as { netsyncMark: number }).netsyncMark = 1));
  }
  const stillSamePage = () => page.evaluate(() => (window as unknown as { netsyncMark?: number }).netsyncMark === 1);

  before(async () => {
    process.env.NETSYNC_SECRET_CIRCUIT = SECRET;
    loop = await startSyncLoop();
    const first = await loop.syncto({ all: true });
    expect(first.status, JSON.stringify(first.perDevice)).to.equal('FINISHED');
    chromium = await launchChromium();
    page = await chromium.browser.newPage();
    page.on('console', (m) => {
      // 4xx answers the tests provoke are logged as "Failed to load resource"; those are expected.
      if (/content security policy|refused to/i.test(m.text())) consoleProblems.push(m.text());
    });
    page.on('pageerror', (err) => consoleProblems.push(err.message));
  });
  after(async () => {
    delete process.env.NETSYNC_SECRET_CIRCUIT;
    await chromium?.close();
    await loop?.stopAll();
  });

  it('sends a visitor to sign in; a wrong token is refused, the operator token signs in', async () => {
    await page.goto(url('/devices'));
    expect(new URL(page.url()).pathname).to.equal('/signin');
    await page.fill('#token', 'not-a-token-at-all');
    await page.click('button[type=submit]');
    await page.locator('#token-error').waitFor();
    expect(await page.locator('#token-error').textContent()).to.contain('not valid');
    await shot('signin');
    await page.fill('#token', OPERATOR_TOKEN);
    await Promise.all([page.waitForURL((u) => u.pathname === '/devices'), page.click('button[type=submit]')]);
    expect(await page.locator('header .who').textContent())
      .to.contain('ops')
      .and.contain('operator');
  });

  it('lists the quick-start devices, all synchronized after the first sync', async () => {
    await page.goto(url('/devices'));
    const names = await page.locator('#device-rows tbody th[scope=row]').allTextContents();
    expect(names.map((n) => n.trim())).to.deep.equal(['eos-access-1', 'eos-access-2', 'nc-core-1', 'nc-dist-1']);
    expect(await page.locator('#device-rows tr.synced').count()).to.equal(4);
  });

  it('searches, filters and sorts the devices table', async () => {
    const shown = async () => (await page.locator('#device-rows tbody th[scope=row]').allTextContents()).map((n) => n.trim());
    await page.goto(url('/devices'));
    await page.fill('#f-q', 'nc-');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('q') === 'nc-'), page.click('button:has-text("Filter")')]);
    expect(await shown()).to.deep.equal(['nc-core-1', 'nc-dist-1']);
    await page.goto(url('/devices'));
    await page.selectOption('#f-type', 'ACCESS');
    await Promise.all([page.waitForURL((u) => u.searchParams.get('type') === 'ACCESS'), page.click('button:has-text("Filter")')]);
    expect(await shown()).to.deep.equal(['eos-access-1', 'eos-access-2']);
    await page.goto(url('/devices'));
    await Promise.all([page.waitForURL((u) => u.searchParams.get('dir') === 'desc'), page.click('th a:has-text("Hostname")')]);
    expect(await shown()).to.deep.equal(['nc-dist-1', 'nc-core-1', 'eos-access-2', 'eos-access-1']);
    expect(await page.locator('th[aria-sort=descending]').textContent()).to.contain('Hostname');
  });

  it('a git push to the settings repo turns the two ACCESS rows unsynchronized without a reload', async () => {
    await page.goto(url('/devices'));
    await page.waitForFunction(() => document.querySelector('[sse-connect]') !== null && (window as unknown as { htmx?: unknown }).htmx !== undefined);
    await markPage();
    const file = 'access/interfaces.yml';
    const text = readFileSync(join(loop.settings.work, file), 'utf8').replace(/description: user port/g, 'description: staff port');
    await loop.push('settings', { [file]: text }, 'access: staff ports');
    await row('eos-access-1').and(page.locator('.unsynced')).waitFor({ timeout: 20_000 });
    await row('eos-access-2').and(page.locator('.unsynced')).waitFor({ timeout: 20_000 });
    expect(await stillSamePage()).to.equal(true);
    expect(await row('nc-dist-1').getAttribute('class')).to.equal('synced');
    expect(await row('eos-access-1').textContent()).to.contain('settings_changed');
    await shot('devices');
  });

  it('opens a device: history names the commit, file and rule; "Show diff" dry-runs it and shows running -> intended', async () => {
    await page.goto(url('/devices'));
    await Promise.all([page.waitForURL((u) => u.pathname === '/devices/eos-access-1'), page.click('a[href="/devices/eos-access-1"]')]);
    const history = await page.locator('table.history tbody tr').first().textContent();
    expect(history).to.contain('settings_changed').and.contain('access/interfaces.yml');
    // The commit links to what it did: its author and message, its push, every device it marked.
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/commits/')), page.locator('table.history tbody tr').first().locator('a.sha').click()]);
    const commit = (await page.locator('main').textContent())!;
    expect(commit)
      .to.contain('settings')
      .and.contain('access: staff ports')
      .and.match(/Ada Engineer|<.+@.+>/);
    expect(await page.locator('table.pushes tbody tr').first().textContent())
      .to.contain('applied')
      .and.contain('eos-access-1')
      .and.contain('eos-access-2');
    expect(await page.locator('table.history tbody tr').count()).to.equal(2);
    await page.goBack();
    await page.click('button:has-text("Show diff")');
    await page.locator('#diff pre.diff').waitFor({ timeout: 30_000 });
    expect(await page.locator('#diff').textContent())
      .to.contain('would-change')
      .and.contain('+   description staff port');
    expect(await page.locator('#diff pre.diff .add').count()).to.be.greaterThan(0);
    // A dry run changes nothing: the device is still unsynchronized.
    expect((await loop.device('eos-access-1')).synchronized).to.equal(false);
    await shot('device');
  });

  it('the job form says what is wrong next to its field, keeps what was typed and starts nothing', async () => {
    const jobs = (await loop.t.daemon.jobs.list(100)).length;
    await page.goto(url('/jobs'));
    await page.selectOption('#j-target', 'group');
    await page.fill('#j-comment', 'campus refresh');
    await page.click('button:has-text("Start job")');
    await page.locator('#value-error').waitFor();
    expect(await page.locator('#value-error').textContent()).to.contain('give the group to sync');
    expect(await page.getAttribute('#j-value', 'aria-invalid')).to.equal('true');
    expect([await page.inputValue('#j-target'), await page.inputValue('#j-comment'), await page.isChecked('#j-dry')]).to.deep.equal([
      'group',
      'campus refresh',
      true,
    ]);
    await page.selectOption('#j-target', 'hostname');
    await page.fill('#j-value', 'no-such-device');
    await page.click('button:has-text("Start job")');
    await page.locator('#value-error:has-text("no-such-device")').waitFor();
    expect(await page.locator('#value-error').textContent()).to.contain("device 'no-such-device' does not exist");
    expect(await seriousA11yProblems(page)).to.deep.equal([]);
    expect(await loop.t.daemon.jobs.list(100)).to.have.length(jobs);
  });

  it('starts a dry-run job from the jobs page and follows it live until it finishes', async () => {
    // Held replies keep the job running until the page has shown it running.
    for (const d of loop.labFixture.lab.devices) d.setFaults({ holdReplies: true });
    try {
      await page.goto(url('/jobs'));
      await page.selectOption('#j-target', 'all');
      expect(await page.isChecked('#j-dry')).to.equal(true);
      await Promise.all([page.waitForURL((u) => /^\/jobs\/[0-9a-f-]{36}$/.test(u.pathname)), page.click('button:has-text("Start job")')]);
      await page.locator('.job-state[data-status=RUNNING]').waitFor();
      await markPage();
    } finally {
      for (const d of loop.labFixture.lab.devices) d.setFaults({ holdReplies: false });
    }
    await page.locator('.job-state[data-status=FINISHED]').waitFor({ timeout: 30_000 });
    expect(await stillSamePage()).to.equal(true);
    const statuses = await page.locator('table.per-device tbody tr').allTextContents();
    expect(statuses).to.have.length(2);
    for (const s of statuses) expect(s).to.contain('would-change');
    expect(await page.locator('table.per-device').textContent()).to.contain('+   description staff port');
    await shot('job');
  });

  it('the jobs list shows a job started elsewhere (the API) and its end without a reload', async () => {
    await page.goto(url('/jobs'));
    await markPage();
    const started = await loop.t.call('POST', '/api/v1/syncto', { hostname: 'nc-dist-1', dry_run: true, comment: 'from the CLI' });
    expect(started.status, JSON.stringify(started.body)).to.be.oneOf([200, 202]);
    const id = started.body.job_id as string;
    const row = page.locator(`#job-rows tr:has(a[href="/jobs/${id}"])`);
    await row.locator('.badge:has-text("FINISHED")').waitFor({ timeout: 30_000 });
    expect(await stillSamePage()).to.equal(true);
    expect(await row.textContent())
      .to.contain('dry run')
      .and.contain('1/1');
  });

  it('aborts a running job from its page; the page follows it to ABORTED', async () => {
    for (const d of loop.labFixture.lab.devices) d.setFaults({ holdReplies: true });
    try {
      await page.goto(url('/jobs'));
      await page.selectOption('#j-target', 'hostname');
      await page.fill('#j-value', 'eos-access-1');
      await Promise.all([page.waitForURL((u) => /^\/jobs\/[0-9a-f-]{36}$/.test(u.pathname)), page.click('button:has-text("Start job")')]);
      await page.locator('.job-state[data-status=RUNNING]').waitFor();
      const jobPath = new URL(page.url()).pathname;
      await Promise.all([page.waitForURL((u) => u.pathname === jobPath), page.click('button:has-text("Abort")')]);
      await markPage();
    } finally {
      for (const d of loop.labFixture.lab.devices) d.setFaults({ holdReplies: false });
    }
    await page.locator('.job-state[data-status=ABORTED]').waitFor({ timeout: 30_000 });
    expect(await stillSamePage()).to.equal(true);
    expect(await page.locator('button:has-text("Abort")').count()).to.equal(0);
  });

  it("a job's page shows a device's error beside it: a device that refuses the login fails and stays as it was", async () => {
    const device = loop.labFixture.lab.device('nc-core-1');
    device.setFaults({ authFailure: true });
    try {
      await page.goto(url('/devices/nc-core-1'));
      await Promise.all([page.waitForURL((u) => /^\/jobs\/[0-9a-f-]{36}$/.test(u.pathname)), page.click('fieldset button[value=dry-run]')]);
      await page.locator('.job-state[data-status=FINISHED], .job-state[data-status=FAILED]').waitFor({ timeout: 30_000 });
    } finally {
      device.setFaults({ authFailure: false });
    }
    const row = page.locator('table.per-device tr[data-hostname="nc-core-1"]');
    expect(await row.locator('.badge').textContent()).to.contain('failed');
    expect(await row.locator('.error').textContent()).to.contain('could not read the running config: nc-core-1');
    expect((await loop.device('nc-core-1')).synchronized).to.equal(true);
  });

  it("a device's own actions: mark unsynchronized with a reason, sync it now (followed on the job's page), make it UNMANAGED and MANAGED again", async () => {
    await page.goto(url('/devices/nc-dist-1'));
    await page.fill('#reason', 'patch panel moved');
    await Promise.all([page.waitForURL((u) => u.pathname === '/devices/nc-dist-1'), page.click('button:has-text("Mark unsynchronized")')]);
    expect(await page.locator('table.history tbody tr').first().textContent())
      .to.contain('manual')
      .and.contain('ui:ops')
      .and.contain('patch panel moved');
    expect((await loop.device('nc-dist-1')).synchronized).to.equal(false);

    await Promise.all([page.waitForURL((u) => /^\/jobs\/[0-9a-f-]{36}$/.test(u.pathname)), page.click('fieldset button[value=sync]')]);
    await page.locator('.job-state[data-status=FINISHED]').waitFor({ timeout: 30_000 });
    expect(await page.locator('table.per-device tbody tr').allTextContents()).to.have.length(1);
    expect((await loop.device('nc-dist-1')).synchronized).to.equal(true);

    await page.goto(url('/devices/nc-dist-1'));
    await Promise.all([page.waitForURL((u) => u.pathname === '/devices/nc-dist-1'), page.click('button:has-text("Make UNMANAGED")')]);
    expect((await loop.device('nc-dist-1')).state).to.equal('UNMANAGED');
    // An UNMANAGED device is neither synced nor compared: those controls are gone.
    expect(await page.locator('fieldset:has-text("Sync now")').count()).to.equal(0);
    expect(await page.locator('button:has-text("Show diff")').count()).to.equal(0);
    await Promise.all([page.waitForURL((u) => u.pathname === '/devices/nc-dist-1'), page.click('button:has-text("Make MANAGED")')]);
    expect((await loop.device('nc-dist-1')).state).to.equal('MANAGED');
  });

  it('add device: a bad IP is shown next to its field, SSH verification catches a wrong hostname, nothing is stored until a good one is added; then deleted after confirmation', async () => {
    await page.goto(url('/devices'));
    await Promise.all([page.waitForURL((u) => u.pathname === '/add-device'), page.click('a:has-text("Add device")')]);
    await page.fill('#f-hostname', 'lab-new-1');
    await page.fill('#f-managementIp', '10.0.0.300');
    await page.fill('#f-platform', 'eos');
    await page.fill('#f-type', 'ACCESS');
    await page.fill('#f-groups', 'campus, lab');
    await page.click('button:has-text("Add device")');
    await page.locator('#managementIp-error').waitFor();
    expect(await page.locator('#managementIp-error').textContent()).to.contain('IPv4 or IPv6');
    expect(await page.getAttribute('#f-managementIp', 'aria-invalid')).to.equal('true');
    // What was typed stays in the form.
    expect(await page.inputValue('#f-hostname')).to.equal('lab-new-1');
    expect(await loop.t.daemon.store.getDevice('lab-new-1')).to.equal(undefined);
    await shot('add-device');

    // "Verify over SSH" really connects: the lab device at that address calls itself eos-access-1.
    await page.fill('#f-managementIp', '127.0.0.1');
    await page.fill('#f-port', String(loop.labFixture.lab.device('eos-access-1').port));
    await page.check('#f-verify');
    await page.click('button:has-text("Add device")');
    await page.locator('#hostname-error').waitFor({ timeout: 30_000 });
    expect(await page.locator('#hostname-error').textContent()).to.contain("says its hostname is 'eos-access-1'");
    expect(await loop.t.daemon.store.getDevice('lab-new-1')).to.equal(undefined);

    await page.uncheck('#f-verify');
    await page.fill('#f-port', '');
    await Promise.all([page.waitForURL((u) => u.pathname === '/devices/lab-new-1'), page.click('button:has-text("Add device")')]);
    const added = (await loop.t.daemon.store.getDevice('lab-new-1'))!;
    expect(added).to.deep.include({ managementIp: '127.0.0.1', platform: 'eos', type: 'ACCESS', groups: ['campus', 'lab'], state: 'MANAGED' });
    expect(added.lastEvent!.by).to.equal('ui:ops');

    await Promise.all([page.waitForURL((u) => u.pathname === '/devices/lab-new-1/delete'), page.click('a:has-text("Delete")')]);
    await page.fill('#f-confirm', 'lab-new-2');
    await page.click('button:has-text("Delete lab-new-1")');
    await page.locator('#confirm-error').waitFor();
    expect(await loop.t.daemon.store.getDevice('lab-new-1')).to.not.equal(undefined);
    await page.fill('#f-confirm', 'lab-new-1');
    await Promise.all([page.waitForURL((u) => u.pathname === '/devices'), page.click('button:has-text("Delete lab-new-1")')]);
    expect(await loop.t.daemon.store.getDevice('lab-new-1')).to.equal(undefined);
  });

  it('refuses a POST without the CSRF token, and the session cookie never authorizes /api/v1', async () => {
    const before = await loop.device('nc-core-1');
    const forged = await page.evaluate(async () => {
      const res = await fetch('/devices/nc-core-1/unsync', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'reason=forged',
      });
      return res.status;
    });
    expect(forged).to.equal(403);
    expect(await loop.device('nc-core-1')).to.deep.equal(before);
    const api = await page.evaluate(
      async () =>
        (await fetch('/api/v1/devices/nc-core-1/unsync', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"reason":"x"}' })).status,
    );
    expect(api).to.equal(401);
    expect(await loop.device('nc-core-1')).to.deep.equal(before);
  });

  it('a rejected push is shown prominently on the open overview without a reload, with its commit, author and problems', async () => {
    await page.goto(url('/'));
    await markPage();
    expect(await page.locator('.alert-box').count()).to.equal(0);
    const sha = await loop.push('settings', { 'access/vlans.yml': 'vlans:\n  - { id: 50, name: a }\n  - { id: 50, name: b }\n' }, 'oops: duplicate vlan');
    const alert = page.locator('.alert-box[role=alert]');
    await alert.waitFor({ timeout: 20_000 });
    expect(await stillSamePage()).to.equal(true);
    const text = (await alert.textContent())!;
    expect(text).to.contain('Rejected push to settings').and.contain(sha.slice(0, 10)).and.contain('access/vlans.yml');
    expect(text).to.match(/by .+<.+@.+>/);
    await shot('overview');
  });

  it('an htmx action the server refuses says why in place (another user made the device UNMANAGED meanwhile)', async () => {
    await page.goto(url('/devices/nc-core-1'));
    await markPage();
    expect((await loop.t.call('PATCH', '/api/v1/devices/nc-core-1', { state: 'UNMANAGED' })).status).to.equal(200);
    try {
      await page.click('button:has-text("Show diff")');
      await page.locator('#diff .error').waitFor();
      expect(await page.locator('#diff .error').textContent())
        .to.contain('UNMANAGED')
        .and.contain('[CONFLICT]');
      expect(await stillSamePage()).to.equal(true);
    } finally {
      await loop.t.call('PATCH', '/api/v1/devices/nc-core-1', { state: 'MANAGED' });
    }
  });

  it('never renders a secret: a template that puts one in the config shows its placeholder in the intended config and the diff', async () => {
    const file = 'eos/interfaces.j2';
    const text = readFileSync(join(loop.templates.work, file), 'utf8');
    const withSecret = text.replace('   description {{ intf.description }}', '   description {{ intf.description }} {{ secrets.circuit }}');
    expect(withSecret).to.not.equal(text);
    const sha = await loop.push('templates', { [file]: withSecret }, 'eos: circuit id in descriptions');
    await loop.waitFor(
      async () => (await loop.t.call('GET', '/api/v1/repositories')).body.repositories.find((r: { name: string }) => r.name === 'templates').knownGood === sha,
      20_000,
    );
    await page.goto(url('/devices/eos-access-2'));
    expect(await page.locator('pre.config').textContent()).to.contain('«secret:circuit»');
    await page.click('button:has-text("Show diff")');
    await page.locator('#diff pre.diff').waitFor({ timeout: 30_000 });
    expect(await page.locator('#diff').textContent()).to.contain('«secret:circuit»');
    expect(await page.content()).to.not.contain(SECRET);
    await page.goto(url(`/jobs/${(await loop.t.daemon.jobs.list(1))[0]!.id}`));
    expect(await page.locator('table.per-device').textContent()).to.contain('«secret:circuit»');
    expect(await page.content()).to.not.contain(SECRET);
  });

  it('the transactions page lists a northbound transaction with its per-device outcome, linked to the device', async () => {
    const staged = await loop.t.call('POST', '/api/v1/transactions', {
      devices: [{ hostname: 'nc-core-1', config: await loop.intended('nc-core-1') }],
      comment: 'from the NOC',
    });
    expect(staged.status, JSON.stringify(staged.body)).to.equal(201);
    const id = staged.body.transaction.id as string;
    const committed = await loop.t.call('POST', `/api/v1/transactions/${id}/commit`, {});
    expect(committed.status, JSON.stringify(committed.body)).to.equal(200);
    const status = committed.body.transaction.status as string;
    await page.goto(url('/transactions'));
    const tx = page.locator(`#tx-${id}`);
    expect(await tx.locator('h2').textContent())
      .to.contain(id)
      .and.contain(status);
    expect(await tx.textContent()).to.contain('from the NOC');
    const device = tx.locator('tbody tr').first();
    expect(await device.locator('a[href="/devices/nc-core-1"]').count()).to.equal(1);
    expect(await device.textContent()).to.contain(committed.body.transaction.outcome['node-results'][0]['configuration-status']);
  });

  it('the alarms page shows the plugin output as Nagios sees it and each unsynchronized MANAGED device with its level', async () => {
    await page.goto(url('/alarms'));
    const report = await loop.t.daemon.alarms.service.report();
    expect(report.unsynchronized).to.be.greaterThan(0);
    expect(await page.locator('pre.plugin').textContent()).to.match(new RegExp(`^UNSYNCED ${report.state}`));
    const listed = (await page.locator('main table tbody th[scope=row]').allTextContents()).map((n) => n.trim());
    expect(listed).to.deep.equal(report.devices.map((d) => d.hostname));
    expect(await page.locator('main table tbody tr').first().textContent()).to.contain(report.devices[0]!.level);
  });

  it('works with the keyboard alone: a visible skip link, "Show diff" by Enter, the diff takes the focus to scroll', async () => {
    await page.goto(url('/devices/eos-access-1'));
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.matches('a.skip') ?? false)).to.equal(true);
    const box = (await page.locator('a.skip').boundingBox())!;
    expect(box.x >= 0 && box.y >= 0 && box.width > 0).to.equal(true);
    await page.keyboard.press('Enter');
    expect(new URL(page.url()).hash).to.equal('#main');
    await page.focus('button:has-text("Show diff")');
    await page.keyboard.press('Enter');
    await page.locator('#diff pre.diff').waitFor({ timeout: 30_000 });
    // From the button: the dry run's job link, then the diff itself.
    await page.focus('button:has-text("Show diff")');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.matches('#diff a[href^="/jobs/"]') ?? false)).to.equal(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.matches('#diff pre.diff') ?? false)).to.equal(true);
  });

  // One check per page: axe-core runs inside the page, as it is after the tests above.
  const A11Y_PAGES: [string, () => Promise<string>][] = [
    ['overview', async () => '/'],
    ['devices', async () => '/devices'],
    ['devices, filtered and sorted', async () => '/devices?sync=unsynced&sort=unsyncedSince&dir=desc'],
    ['device', async () => '/devices/eos-access-1'],
    ['edit device', async () => '/devices/eos-access-1/edit'],
    ['delete device', async () => '/devices/eos-access-1/delete'],
    ['add device', async () => '/add-device'],
    ['jobs', async () => '/jobs'],
    ['job', async () => `/jobs/${(await loop.t.daemon.jobs.list(1))[0]!.id}`],
    ['transactions', async () => '/transactions'],
    ['repos', async () => '/repos'],
    ['commit', async () => `/commits/${(await loop.t.daemon.store.listRecords('repoEvents')).find((e) => e.kind === 'applied')!.after}`],
    ['inventory sync', async () => '/inventory-sync'],
    ['alarms', async () => '/alarms'],
  ];
  for (const [name, path] of A11Y_PAGES) {
    it(`${name}: no serious or critical accessibility problems (axe-core)`, async () => {
      await page.goto(url(await path()));
      expect(await seriousA11yProblems(page)).to.deep.equal([]);
      if (name === 'repos' || name === 'alarms') await shot(name);
    });
  }

  it('nothing on any page ran into the CSP or threw', () => {
    expect(consoleProblems).to.deep.equal([]);
  });

  it('a read-only token sees no write controls and the server refuses its writes', async () => {
    await page.goto(url('/'));
    await Promise.all([page.waitForURL((u) => u.pathname === '/signin'), page.click('header button:has-text("Sign out")')]);
    expect(await seriousA11yProblems(page), 'sign-in page').to.deep.equal([]);
    await signIn(page, loop.t.url, READ_TOKEN);
    expect(await page.locator('header .who').textContent())
      .to.contain('noc')
      .and.contain('read-only');
    await page.goto(url('/devices/eos-access-1'));
    expect(await page.locator('main form[method=post]').count()).to.equal(0);
    expect(await page.locator('main button').count()).to.equal(0);
    await page.goto(url('/devices'));
    expect(await page.locator('a:has-text("Add device")').count()).to.equal(0);
    await page.goto(url('/jobs'));
    expect(await page.locator('#j-target').count()).to.equal(0);
    // No page offers a read-only user anything that changes state (the devices filter is a GET form).
    for (const [name, path] of A11Y_PAGES.filter(([n]) => !['edit device', 'delete device', 'add device'].includes(n))) {
      await page.goto(url(await path()));
      expect(await page.locator('main form[method=post], main [hx-post]').count(), name).to.equal(0);
    }
    const before = await loop.device('eos-access-1');
    // With a valid CSRF token (from the sign-out form): the role, not the missing button, is what refuses it.
    const status = await page.evaluate(async () => {
      const token = (document.querySelector('input[name=_csrf]') as HTMLInputElement).value;
      const res = await fetch('/devices/eos-access-1/state', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `_csrf=${token}&state=UNMANAGED`,
      });
      return res.status;
    });
    expect(status).to.equal(403);
    expect(await loop.device('eos-access-1')).to.deep.equal(before);
    const addForm = await page.goto(url('/add-device'));
    expect(addForm!.status()).to.equal(403);
  });
});
