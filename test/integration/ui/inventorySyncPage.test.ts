/**
 * The web interface's inventory sync page in Chromium against a real daemon, a NetBox double and lab devices
 * over real SSH: the plan preview shows what SSH verified (a device answering with another hostname is a
 * conflict) and stores nothing; apply adds the verified device; add and delete name the configured systems.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestBrowser } from '../../helpers/browser.ts';
import { launchChromium, seriousA11yProblems, signIn } from '../../helpers/browser.ts';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { OPERATOR_TOKEN, removeDir, startTestDaemon } from '../../helpers/daemon.ts';
import type { LabFixture } from '../../helpers/labFixture.ts';
import { startTestLab } from '../../helpers/labFixture.ts';
import { NetboxStub } from '../sources/stubs/netboxStub.ts';

describe('web interface: inventory sync page in Chromium (NetBox double, lab over SSH)', function () {
  this.timeout(90_000);
  let fx: LabFixture;
  let nb: NetboxStub;
  let t: TestDaemon;
  let chromium: TestBrowser;
  let page: Page;
  const problems: string[] = [];
  const row = (hostname: string) => page.locator(`table.sync-devices tbody tr:has(th:text-is("${hostname}"))`);

  before(async () => {
    fx = await startTestLab({
      devices: [
        { hostname: 'lab-001', platform: 'eos' },
        { hostname: 'lab-002', platform: 'eos', faults: { reportedHostname: 'imposter-1' } },
      ],
    });
    nb = new NetboxStub();
    await nb.start();
    t = await startTestDaemon({
      extra: {
        sources: {
          timeoutMs: 3000,
          ssh: { username: fx.lab.username, password: fx.lab.password, connectTimeoutMs: 5000 },
          netbox: {
            url: nb.url,
            token: nb.token,
            portField: 'ssh_port',
            create: { site: { slug: 'lab' }, role: { slug: 'access' }, deviceType: 1, platforms: { eos: { slug: 'eos' } }, managementInterface: 'mgmt0' },
          },
        },
      },
    });
    for (const name of ['lab-001', 'lab-002'])
      nb.add(name, { ip: '127.0.0.1', platform: 'eos', role: 'access', customFields: { ssh_port: fx.lab.device(name).port } });
    chromium = await launchChromium();
    page = await chromium.browser.newPage();
    page.on('console', (m) => {
      if (/content security policy|refused to/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (err) => problems.push(err.message));
    await signIn(page, t.url, OPERATOR_TOKEN);
  });
  after(async () => {
    await chromium?.close();
    await t?.stop();
    await nb?.stop();
    await fx?.stop();
    if (t) await removeDir(t.dir);
  });

  it('previews the plan: the device SSH verified is to be added, the one answering as another host is a conflict; nothing is stored', async () => {
    await page.goto(`${t.url}/inventory-sync`);
    expect(await page.locator('main').textContent())
      .to.contain('netbox')
      .and.contain('No inventory sync has run yet');
    await Promise.all([page.waitForURL((u) => u.pathname === '/inventory-sync'), page.click('button:has-text("Preview the plan")')]);
    await page.locator('h2:has-text("Last preview")').waitFor();
    expect(await row('lab-001').textContent())
      .to.contain('add')
      .and.contain('answers as lab-001');
    expect(await row('lab-002').textContent())
      .to.contain('conflict')
      .and.contain('hostname_mismatch')
      .and.contain('answers as imposter-1');
    expect(await t.daemon.store.listDevices()).to.deep.equal([]);
    expect(await seriousA11yProblems(page)).to.deep.equal([]);
  });

  it('applies it: the verified device is in the inventory, the conflicting one is not', async () => {
    await Promise.all([page.waitForURL((u) => u.pathname === '/inventory-sync'), page.click('button:has-text("Apply")')]);
    await page.locator('h2:has-text("Last sync")').waitFor();
    expect(await row('lab-001').textContent()).to.contain('done');
    expect((await t.daemon.store.listDevices()).map((d) => d.hostname)).to.deep.equal(['lab-001']);
    await page.goto(`${t.url}/devices`);
    expect(await page.locator('#device-rows tbody th[scope=row]').allTextContents()).to.deep.equal(['lab-001']);
  });

  it('adding and deleting a device name the systems the inventory sync reconciles it with', async () => {
    await page.goto(`${t.url}/add-device`);
    expect(await page.locator('main').textContent()).to.contain('Inventory systems configured: netbox');
    await page.goto(`${t.url}/devices/lab-001/delete`);
    expect(await page.locator('main').textContent()).to.contain('Inventory systems configured: netbox');
  });

  it('nothing ran into the CSP or threw', () => {
    expect(problems).to.deep.equal([]);
  });
});
