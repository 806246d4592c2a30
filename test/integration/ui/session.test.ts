/**
 * The web interface's HTTP contract without a browser: sign-in cookies and their flags (plain HTTP and
 * behind a TLS proxy), CSRF on sign-in, CSP, escaping of hostile text, and the API left as it was.
 */
import { expect } from 'chai';
import type { TestDaemon } from '../../helpers/daemon.ts';
import { OPERATOR_TOKEN, READ_TOKEN, deviceInput, removeDir, startTestDaemon } from '../../helpers/daemon.ts';

interface Browserish {
  cookie: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
}

/** Just enough of a browser: keeps the one session cookie, never follows redirects. */
function client(t: TestDaemon): Browserish {
  const c: Browserish = {
    cookie: '',
    async get(path, headers = {}) {
      const res = await fetch(`${t.url}${path}`, { headers: { ...headers, ...(c.cookie ? { cookie: c.cookie } : {}) }, redirect: 'manual' });
      keep(res);
      return res;
    },
    async post(path, form, headers = {}) {
      const res = await fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers, ...(c.cookie ? { cookie: c.cookie } : {}) },
        body: new URLSearchParams(form).toString(),
        redirect: 'manual',
      });
      keep(res);
      return res;
    },
  };
  const keep = (res: Response) => {
    const set = res.headers.get('set-cookie');
    if (set) c.cookie = set.split(';')[0]!;
  };
  return c;
}

const csrfOf = (html: string) => /name="_csrf" value="([0-9a-f]+)"/.exec(html)![1]!;

async function signIn(c: Browserish, apiToken = OPERATOR_TOKEN): Promise<void> {
  const token = csrfOf(await (await c.get('/signin')).text());
  const res = await c.post('/signin', { _csrf: token, token: apiToken, next: '/devices' });
  expect(res.status).to.equal(303);
  expect(res.headers.get('location')).to.equal('/devices');
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** Every route the web interface answers, read from the daemon's express app: a route added later is covered too. */
function uiRoutes(t: TestDaemon): { method: string; path: string }[] {
  const routesOf = (stack: Layer[]): { method: string; path: string }[] =>
    stack.flatMap((l) =>
      l.route ? Object.keys(l.route.methods).map((method) => ({ method, path: l.route!.path })) : l.handle.stack ? routesOf(l.handle.stack) : [],
    );
  const top = (t.daemon.app as unknown as { router: { stack: Layer[] } }).router.stack;
  const ui = top.find((l) => l.handle.stack && routesOf(l.handle.stack).some((r) => r.path === '/signin'));
  return routesOf(ui!.handle.stack!);
}

describe('web interface: sessions, CSRF, headers and escaping', function () {
  let t: TestDaemon;
  let proxied: TestDaemon;
  let off: TestDaemon;

  before(async () => {
    t = await startTestDaemon();
    proxied = await startTestDaemon({ extra: { ui: { trustProxy: true } } });
    off = await startTestDaemon({ extra: { ui: { enabled: false } } });
  });
  after(async () => {
    for (const d of [t, proxied, off]) {
      await d.stop();
      await removeDir(d.dir);
    }
  });

  it('sends a visitor to sign in and back; the page has a strict CSP and an HttpOnly, SameSite=Strict cookie', async () => {
    const c = client(t);
    const first = await c.get('/devices?sync=unsynced');
    expect(first.status).to.equal(303);
    expect(first.headers.get('location')).to.equal('/signin?next=%2Fdevices%3Fsync%3Dunsynced');
    const page = await c.get('/signin');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).to.contain("script-src 'self'").and.contain("frame-ancestors 'none'").and.not.contain('unsafe');
    expect(page.headers.get('x-content-type-options')).to.equal('nosniff');
    const cookie = page.headers.get('set-cookie')!;
    expect(cookie)
      .to.match(/^netsync-ui=/)
      .and.contain('HttpOnly')
      .and.contain('SameSite=Strict')
      .and.not.contain('Secure');
  });

  it('behind a TLS proxy (trustProxy, X-Forwarded-Proto: https) the cookie is __Host-netsync-ui, Secure, Path=/', async () => {
    const c = client(proxied);
    const page = await c.get('/signin', { 'x-forwarded-proto': 'https' });
    const cookie = page.headers.get('set-cookie')!;
    expect(cookie)
      .to.match(/^__Host-netsync-ui=/)
      .and.contain('Secure')
      .and.contain('Path=/')
      .and.contain('HttpOnly')
      .and.contain('SameSite=Strict')
      .and.not.contain('Domain');
    // Without the proxy's header nothing is secure, and a client cannot claim it on a daemon that trusts no proxy.
    expect((await client(t).get('/signin', { 'x-forwarded-proto': 'https' })).headers.get('set-cookie')).to.match(/^netsync-ui=/);
  });

  it('refuses a sign-in without the CSRF token and one with a wrong API token; a good one gets a new session id', async () => {
    const c = client(t);
    const token = csrfOf(await (await c.get('/signin')).text());
    const before = c.cookie;
    expect((await c.post('/signin', { token: OPERATOR_TOKEN })).status).to.equal(403);
    const wrong = await c.post('/signin', { _csrf: token, token: 'wrong-token-0123456789' });
    expect(wrong.status).to.equal(401);
    expect(await wrong.text()).to.contain('not valid');
    expect((await c.get('/')).status).to.equal(303);
    expect((await c.post('/signin', { _csrf: token, token: OPERATOR_TOKEN, next: '//evil.example/' })).headers.get('location')).to.equal('/');
    expect(c.cookie).to.not.equal(before);
    expect((await c.get('/')).status).to.equal(200);
  });

  it('the session cookie authorizes no API call; API answers and 404s are unchanged (JSON, no cookie)', async () => {
    const c = client(t);
    await signIn(c);
    const api = await c.get('/api/v1/devices');
    expect(api.status).to.equal(401);
    expect((await api.json()).error.code).to.equal('UNAUTHENTICATED');
    const missing = await fetch(`${t.url}/api/v1/no-such-thing`, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
    expect(missing.status).to.equal(404);
    expect(missing.headers.get('set-cookie')).to.equal(null);
    expect((await missing.json()).error.code).to.equal('NOT_FOUND');
  });

  it('hostile text from the inventory and history is shown as text', async () => {
    await t.call('POST', '/api/v1/devices', deviceInput('sw-hostile', { platform: '<img src=x onerror=alert(1)>' }));
    await t.call('POST', '/api/v1/devices/sw-hostile/unsync', { reason: '<script>alert(1)</script>' });
    const c = client(t);
    await signIn(c);
    const html = await (await c.get('/devices/sw-hostile')).text();
    expect(html).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;').and.contain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).to.not.contain('<script>alert').and.not.contain('<img src=x');
  });

  it('edit fields: a bad address is refused next to its field and changes nothing; a good edit is saved and unsyncs', async () => {
    await t.call('POST', '/api/v1/devices', deviceInput('sw-edit', { groups: ['campus'] }));
    await t.daemon.syncStatus.markSynced(['sw-edit'], { by: 'test' });
    const c = client(t);
    await signIn(c);
    const csrf = csrfOf(await (await c.get('/devices/sw-edit/edit')).text());
    const form = { _csrf: csrf, managementIp: '10.0.0.999', port: '22', platform: 'eos', transport: 'eos-cli', type: 'ACCESS', groups: 'campus' };
    const bad = await c.post('/devices/sw-edit/edit', form);
    expect(bad.status).to.equal(422);
    expect(await bad.text()).to.match(/id="managementIp-error">must be an IPv4 or IPv6 address/);
    expect((await t.daemon.store.getDevice('sw-edit'))!).to.deep.include({ managementIp: '10.0.0.1', synchronized: true });
    const good = await c.post('/devices/sw-edit/edit', { ...form, managementIp: '10.0.0.2', type: 'DIST', groups: '' });
    expect([good.status, good.headers.get('location')]).to.deep.equal([303, '/devices/sw-edit']);
    const after = (await t.daemon.store.getDevice('sw-edit'))!;
    expect(after).to.deep.include({ managementIp: '10.0.0.2', type: 'DIST', groups: [], synchronized: false });
    expect(after.lastEvent!.by).to.equal('ui:ops');
  });

  it('serves htmx and its SSE extension from the npm packages, and signs out', async () => {
    const c = client(t);
    await signIn(c);
    const htmx = await c.get('/ui/htmx.min.js');
    expect(htmx.status).to.equal(200);
    expect(htmx.headers.get('content-type')).to.contain('javascript');
    expect(await htmx.text()).to.contain('htmx');
    expect((await c.get('/ui/sse.min.js')).status).to.equal(200);
    const html = await (await c.get('/')).text();
    expect((await c.post('/signout', { _csrf: csrfOf(html) })).status).to.equal(303);
    expect((await c.get('/')).status).to.equal(303);
  });

  it('every state-changing route refuses a read-only session (with a valid CSRF token) and any session without the CSRF token; nothing changes', async () => {
    await t.call('POST', '/api/v1/devices', deviceInput('sw-guarded'));
    const writes = uiRoutes(t).filter((r) => r.method !== 'get' && r.method !== 'head');
    expect(writes.map((r) => r.path)).to.include.members(['/add-device', '/devices/:hostname/sync', '/devices/:hostname/delete', '/jobs', '/inventory-sync']);
    expect(
      writes.every((r) => r.method === 'post'),
      JSON.stringify(writes),
    ).to.equal(true);
    const reader = client(t);
    await signIn(reader, READ_TOKEN);
    const readerCsrf = csrfOf(await (await reader.get('/')).text());
    const operator = client(t);
    await signIn(operator);
    const before = JSON.stringify([await t.daemon.store.listDevices(), await t.daemon.jobs.list(100)]);
    // Fields that would pass each form's checks, so what refuses is the role or the missing token.
    const form = {
      hostname: 'sw-new',
      managementIp: '10.0.0.5',
      platform: 'eos',
      type: 'ACCESS',
      mode: 'sync',
      state: 'UNMANAGED',
      reason: 'forged',
      confirm: 'sw-guarded',
      target: 'all',
    };
    for (const { path } of writes) {
      const url = path.replace(':hostname', 'sw-guarded').replace(':id', '00000000-0000-4000-8000-000000000000');
      if (path !== '/signin' && path !== '/signout') {
        const res = await reader.post(url, { ...form, _csrf: readerCsrf });
        expect(res.status, `read-only POST ${url}`).to.equal(403);
        expect(await res.text(), url).to.contain('needs an operator token');
      }
      expect((await operator.post(url, form)).status, `POST ${url} without CSRF token`).to.equal(403);
    }
    expect(JSON.stringify([await t.daemon.store.listDevices(), await t.daemon.jobs.list(100)])).to.equal(before);
    // Both sessions are still signed in: the refused sign-out did nothing.
    expect((await reader.get('/')).status).to.equal(200);
    expect((await operator.get('/')).status).to.equal(200);
  });

  it('a commit page takes only a full commit id; one nothing knows is 404', async () => {
    const c = client(t);
    await signIn(c);
    const bad = await c.get('/commits/HEAD~1');
    expect(bad.status).to.equal(400);
    expect(await bad.text()).to.contain('is not a full commit id');
    const unknown = await c.get(`/commits/${'ab'.repeat(20)}`);
    expect(unknown.status).to.equal(404);
    expect(await unknown.text()).to.contain('no push or device history names it');
  });

  it('ui.enabled: false leaves / to the API 404', async () => {
    const res = await fetch(`${off.url}/`);
    expect(res.status).to.equal(404);
    expect((await res.json()).error.code).to.equal('NOT_FOUND');
  });
});
