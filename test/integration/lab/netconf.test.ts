/** The NETCONF personality driven by our own ssh2 client code: framing, operations, confirmed commit, locks, errors. */
import { expect } from 'chai';
import type { ClientChannel } from 'ssh2';
import type { LabDevice } from '../../../src/lab/index.ts';
import { connect, RawNetconf } from '../../helpers/labClient.ts';
import { until } from '../../helpers/until.ts';
import { startTestLab, type LabFixture } from '../../helpers/labFixture.ts';

const NS = 'urn:netsync:lab';
const vlanConfig = (id: number, name = `v${id}`) => `<config><vlans xmlns="${NS}"><vlan><id>${id}</id><name>${name}</name></vlan></vlans></config>`;
const edit = (config: string, op = 'merge') => `<edit-config><target><candidate/></target><default-operation>${op}</default-operation>${config}</edit-config>`;
const tag = (reply: string) => /<error-tag>([^<]+)<\/error-tag>/.exec(reply)?.[1] ?? null;
const isOk = (reply: string) => reply.includes('<ok/>');

describe('lab: NETCONF personality (ssh2 client)', function () {
  let fx: LabFixture;
  let dev: LabDevice;
  const open: RawNetconf[] = [];
  const session = async (opts: Parameters<typeof RawNetconf.open>[1] = {}) => {
    const s = await RawNetconf.open(dev.port, opts);
    open.push(s);
    return s;
  };

  before(async () => {
    fx = await startTestLab({ devices: 1, platform: 'netconf' });
    dev = fx.lab.devices[0]!;
  });
  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    await until(() => dev.counters().activeSessions === 0, 'sessions to close');
    dev.clearFaults();
    // Edits made without a lock stay in the shared candidate (RFC 6241); clear them for the next test.
    const cleanup = await RawNetconf.open(dev.port);
    await cleanup.rpc('<discard-changes/>');
    cleanup.close();
    dev.setRunningConfig(`<system xmlns="${NS}"><hostname>${dev.hostname}</hostname></system>`);
  });
  after(() => fx.stop());

  it('says hello with the capabilities and a session-id', async () => {
    const s = await session();
    for (const cap of [
      'base:1.0',
      'base:1.1',
      'capability:candidate:1.0',
      'capability:confirmed-commit:1.1',
      'capability:validate:1.1',
      'capability:rollback-on-error:1.0',
    ]) {
      expect(s.hello).to.include(`urn:ietf:params:netconf:${cap}`);
    }
    expect(s.sessionId).to.be.greaterThan(0);
  });

  it('speaks ]]>]]> framing with a base:1.0 client and chunked framing with a base:1.1 client', async () => {
    const old = await session({ base11: false });
    expect(await old.rpc('<get-config><source><running/></source></get-config>')).to.include(`<hostname>${dev.hostname}</hostname>`);
    const modern = await session();
    // A reply to a chunked request only parses if the server answered in chunks too.
    expect(await modern.rpc('<get><filter type="subtree"><system xmlns="urn:netsync:lab"/></filter></get>')).to.include(`<hostname>${dev.hostname}</hostname>`);
  });

  it("frames its hello with ]]>]]> even when a slow device gets the client's base:1.1 hello first", async () => {
    dev.setFaults({ latencyMs: 300 });
    const client = await connect(dev.port);
    const stream = await new Promise<ClientChannel>((resolve, reject) => client.subsys('netconf', (err, s) => (err ? reject(err) : resolve(s))));
    let received = '';
    stream.on('data', (d: Buffer) => (received += d.toString()));
    // Our hello goes out before the device has said anything.
    stream.write(
      '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities></hello>]]>]]>',
    );
    await until(() => received.includes(']]>]]>') || received.includes('\n#'), 'the server hello');
    client.end();
    expect(received.trimStart()).to.match(/^<\?xml[^>]*\?><hello /);
    expect(received).to.contain('</hello>]]>]]>');
  });

  it('locks, edits the candidate, validates, commits; running changes only at commit', async () => {
    const s = await session();
    expect(isOk(await s.rpc('<lock><target><candidate/></target></lock>'))).to.equal(true);
    expect(isOk(await s.rpc(edit(vlanConfig(10, 'users'))))).to.equal(true);
    expect(dev.runningConfig()).not.to.include('<id>10</id>');
    expect(await s.rpc('<get-config><source><candidate/></source></get-config>')).to.include('<name>users</name>');
    expect(isOk(await s.rpc('<validate><source><candidate/></source></validate>'))).to.equal(true);
    expect(isOk(await s.rpc('<commit/>'))).to.equal(true);
    expect(isOk(await s.rpc('<unlock><target><candidate/></target></unlock>'))).to.equal(true);
    expect(dev.runningConfig()).to.include('<name>users</name>');
    expect(dev.counters().commits).to.be.greaterThan(0);
  });

  it('replace swaps the whole config; discard-changes throws the candidate away', async () => {
    const s = await session();
    await s.rpc(edit(vlanConfig(10)));
    await s.rpc('<commit/>');
    expect(isOk(await s.rpc(edit(vlanConfig(20), 'replace')))).to.equal(true);
    const candidate = await s.rpc('<get-config><source><candidate/></source></get-config>');
    expect(candidate).to.include('<id>20</id>').and.not.include('<id>10</id>').and.not.include('<hostname>');
    expect(isOk(await s.rpc('<discard-changes/>'))).to.equal(true);
    expect(await s.rpc('<get-config><source><candidate/></source></get-config>')).to.include('<id>10</id>');
  });

  it('rejects invalid values, missing keys, unknown elements and duplicate vlans with rpc-errors, changing nothing', async () => {
    const s = await session();
    const candidate = async () => (await s.rpc('<get-config><source><candidate/></source></get-config>')).replace(/message-id="\d+"/, '');
    const before = await candidate();
    expect(tag(await s.rpc(edit(vlanConfig(5000))))).to.equal('invalid-value');
    expect(tag(await s.rpc(edit(`<config><vlans xmlns="${NS}"><vlan><name>x</name></vlan></vlans></config>`)))).to.equal('missing-element');
    expect(tag(await s.rpc(edit(`<config><routing xmlns="${NS}"/></config>`)))).to.equal('unknown-element');
    expect(tag(await s.rpc(edit(`<config><vlans xmlns="urn:other"/></config>`)))).to.equal('unknown-namespace');
    const dup = await s.rpc(edit(`<config><vlans xmlns="${NS}"><vlan><id>7</id></vlan><vlan><id>7</id></vlan></vlans></config>`));
    expect(tag(dup)).to.equal('operation-failed');
    expect(dup).to.include('data-not-unique');
    const enabled = await s.rpc(
      edit(`<config><interfaces xmlns="${NS}"><interface><name>Ethernet1</name><enabled>maybe</enabled></interface></interfaces></config>`),
    );
    expect(tag(enabled)).to.equal('invalid-value');
    expect(enabled).to.include('<error-path>');
    expect(await candidate()).to.equal(before);
  });

  it('validate and commit refuse an interface whose access vlan is not configured (leafref), in any edit order', async () => {
    const s = await session();
    const intf = `<config><interfaces xmlns="${NS}"><interface><name>Ethernet3</name><vlan>30</vlan></interface></interfaces></config>`;
    expect(isOk(await s.rpc(edit(intf)))).to.equal(true); // an edit may leave the reference open for a later edit
    const v = await s.rpc('<validate><source><candidate/></source></validate>');
    expect(tag(v)).to.equal('data-missing');
    expect(v)
      .to.include('<error-app-tag>instance-required</error-app-tag>')
      .and.include("<error-path>/interfaces/interface[name='Ethernet3']/vlan</error-path>");
    expect(v).to.include('vlan 30 is not configured');
    expect(tag(await s.rpc('<commit/>'))).to.equal('data-missing');
    expect(dev.runningConfig()).not.to.include('Ethernet3');
    expect(isOk(await s.rpc(edit(vlanConfig(30))))).to.equal(true);
    expect(isOk(await s.rpc('<validate><source><candidate/></source></validate>'))).to.equal(true);
    expect(isOk(await s.rpc('<commit/>'))).to.equal(true);
    expect(dev.runningConfig()).to.include('<name>Ethernet3</name>');
  });

  it("refuses to lock a candidate holding another session's unlocked edits until discard-changes", async () => {
    const a = await session();
    await a.rpc(edit(vlanConfig(8)));
    const b = await session();
    expect(tag(await b.rpc('<lock><target><candidate/></target></lock>'))).to.equal('lock-denied');
    await b.rpc('<discard-changes/>');
    expect(isOk(await b.rpc('<lock><target><candidate/></target></lock>'))).to.equal(true);
  });

  it('test-option test-only checks an edit without keeping it', async () => {
    const s = await session();
    const only = (cfg: string) => `<edit-config><target><candidate/></target><test-option>test-only</test-option>${cfg}</edit-config>`;
    expect(tag(await s.rpc(only(vlanConfig(4095))))).to.equal('invalid-value');
    expect(isOk(await s.rpc(only(vlanConfig(15))))).to.equal(true);
    expect(await s.rpc('<get-config><source><candidate/></source></get-config>')).not.to.include('<id>15</id>');
  });

  it('honours operation attributes (create, delete, remove)', async () => {
    const s = await session();
    const nc = 'xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"';
    await s.rpc(edit(vlanConfig(30)));
    expect(tag(await s.rpc(edit(`<config><vlans xmlns="${NS}" ${nc}><vlan nc:operation="create"><id>30</id></vlan></vlans></config>`)))).to.equal(
      'data-exists',
    );
    expect(tag(await s.rpc(edit(`<config><vlans xmlns="${NS}" ${nc}><vlan nc:operation="delete"><id>31</id></vlan></vlans></config>`)))).to.equal(
      'data-missing',
    );
    expect(isOk(await s.rpc(edit(`<config><vlans xmlns="${NS}" ${nc}><vlan nc:operation="remove"><id>31</id></vlan></vlans></config>`)))).to.equal(true);
    expect(isOk(await s.rpc(edit(`<config><vlans xmlns="${NS}" ${nc}><vlan nc:operation="delete"><id>30</id></vlan></vlans></config>`)))).to.equal(true);
    expect(await s.rpc('<get-config><source><candidate/></source></get-config>')).not.to.include('<id>30</id>');
  });

  it('denies a second lock with the holder session-id, and edits of a candidate locked by another session', async () => {
    const a = await session();
    const b = await session();
    expect(isOk(await a.rpc('<lock><target><candidate/></target></lock>'))).to.equal(true);
    const denied = await b.rpc('<lock><target><candidate/></target></lock>');
    expect(tag(denied)).to.equal('lock-denied');
    expect(denied).to.include(`<session-id>${a.sessionId}</session-id>`);
    const inUse = await b.rpc(edit(vlanConfig(40)));
    expect(tag(inUse)).to.equal('in-use');
    a.close();
    await until(async () => isOk(await b.rpc('<lock><target><candidate/></target></lock>')), 'the lock to be released when its session ends');
  });

  it('confirmed commit reverts when the timeout passes', async () => {
    const s = await session();
    await s.rpc(edit(vlanConfig(50)));
    expect(isOk(await s.rpc('<commit><confirmed/><confirm-timeout>1</confirm-timeout></commit>'))).to.equal(true);
    expect(dev.runningConfig()).to.include('<id>50</id>');
    await until(() => !dev.runningConfig().includes('<id>50</id>'), 'the confirmed commit to revert', 20_000);
  });

  it('confirmed commit is confirmed by a plain commit from the same session', async () => {
    const s = await session();
    await s.rpc(edit(vlanConfig(51)));
    await s.rpc('<commit><confirmed/><confirm-timeout>1</confirm-timeout></commit>');
    expect(isOk(await s.rpc('<commit/>'))).to.equal(true);
    // Past the old timeout: the change must stay. Ordered, not hoped: the lab's 1 s timer was armed earlier in this
    // process, and Node runs due timers in expiry order, so it has run (and reverted, if it was left armed) first.
    await new Promise((r) => setTimeout(r, 1300));
    expect(dev.runningConfig()).to.include('<id>51</id>');
  });

  it('reverts an unconfirmed commit without persist when its session closes', async () => {
    const s = await session();
    await s.rpc(edit(vlanConfig(52)));
    await s.rpc('<commit><confirmed/></commit>');
    expect(dev.runningConfig()).to.include('<id>52</id>');
    s.close();
    await until(() => !dev.runningConfig().includes('<id>52</id>'), 'the revert on session close');
  });

  it('with persist, survives the session and is confirmed from another session by persist-id', async () => {
    const a = await session();
    await a.rpc(edit(vlanConfig(53)));
    expect(isOk(await a.rpc('<commit><confirmed/><confirm-timeout>30</confirm-timeout><persist>tx-1</persist></commit>'))).to.equal(true);
    a.close();
    await until(() => dev.counters().activeSessions === 0, 'the first session to end');
    expect(dev.runningConfig()).to.include('<id>53</id>');
    const b = await session();
    expect(tag(await b.rpc('<commit/>'))).to.equal('invalid-value');
    expect(tag(await b.rpc('<commit><persist-id>wrong</persist-id></commit>'))).to.equal('invalid-value');
    expect(isOk(await b.rpc('<commit><persist-id>tx-1</persist-id></commit>'))).to.equal(true);
    expect(dev.runningConfig()).to.include('<id>53</id>');
  });

  it('cancel-commit with persist-id restores the configuration before the confirmed commit', async () => {
    const a = await session();
    await a.rpc(edit(vlanConfig(54)));
    await a.rpc('<commit><confirmed/><persist>tx-2</persist></commit>');
    const b = await session();
    expect(tag(await b.rpc('<cancel-commit/>'))).to.equal('invalid-value');
    expect(isOk(await b.rpc('<cancel-commit><persist-id>tx-2</persist-id></cancel-commit>'))).to.equal(true);
    expect(dev.runningConfig()).not.to.include('<id>54</id>');
    expect(tag(await b.rpc('<cancel-commit/>'))).to.equal('operation-failed');
  });

  it('kill-session ends another session and releases its lock', async () => {
    const a = await session();
    const b = await session();
    await a.rpc('<lock><target><candidate/></target></lock>');
    expect(tag(await b.rpc(`<kill-session><session-id>${b.sessionId}</session-id></kill-session>`))).to.equal('invalid-value');
    expect(isOk(await b.rpc(`<kill-session><session-id>${a.sessionId}</session-id></kill-session>`))).to.equal(true);
    expect(isOk(await b.rpc('<lock><target><candidate/></target></lock>'))).to.equal(true);
  });

  it('close-session answers ok and ends the session', async () => {
    const s = await session();
    expect(isOk(await s.rpc('<close-session/>'))).to.equal(true);
    await until(() => s.closed, 'the channel to close');
  });

  it('answers malformed XML, unknown operations and a missing message-id with rpc-errors and keeps going', async () => {
    const s = await session();
    s.send('<rpc message-id="9" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get-config>');
    expect(tag(await s.next())).to.equal('malformed-message');
    expect(tag(await s.rpc('<frobnicate/>'))).to.equal('operation-not-supported');
    s.send('<rpc xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get/></rpc>');
    expect(tag(await s.next())).to.equal('missing-attribute');
    expect(tag(await s.rpc('<edit-config><target><running/></target><config/></edit-config>'))).to.equal('operation-not-supported');
    const reply = await s.rpc('<get/>');
    expect(reply).to.include('message-id="3"').and.include('<data>');
  });

  it('closes the session on bad chunked framing, and on a hello carrying a session-id; the lab keeps serving', async () => {
    const s = await session();
    s.sendRaw('\n#abc\n<rpc/>\n##\n');
    await until(() => s.closed, 'the session to be closed for bad framing');
    const h = await session({ skipHello: true });
    h.sendRaw(
      '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability>urn:ietf:params:netconf:base:1.1</capability></capabilities><session-id>4</session-id></hello>]]>]]>',
    );
    await until(() => h.closed, 'the session to be closed for a bad hello');
    const ok = await session();
    expect(await ok.rpc('<get/>')).to.include('<data>');
  });

  it('survives garbage: random bytes instead of a hello, invalid UTF-8 and deep nesting inside a chunk', async () => {
    const g = await session({ skipHello: true });
    g.sendRaw(Buffer.concat([Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919) % 256)), Buffer.from(']]>]]>')]));
    await until(() => g.closed, 'the session to end on a garbage hello');
    const s = await session();
    s.send(`<rpc message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><get-config>\xff\xfe${'<a>'.repeat(20000)}`);
    expect(tag(await s.next())).to.equal('malformed-message');
    s.send(
      `<rpc message-id="2" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><edit-config><target><candidate/></target><config>${'<x>'.repeat(5000)}${'</x>'.repeat(5000)}</config></edit-config></rpc>`,
    );
    expect(tag(await s.next())).to.equal('malformed-message'); // nesting is capped at 64 levels
    expect(await s.rpc('<get/>')).to.include(`<hostname>${dev.hostname}</hostname>`);
  });

  it('counts sessions, RPCs and commits', async () => {
    dev.resetCounters();
    const s = await session();
    await s.rpc('<get/>');
    await s.rpc(edit(vlanConfig(60)));
    await s.rpc('<commit/>');
    expect(dev.counters()).to.include({ sessions: 1, rpcs: 3, commits: 1, activeSessions: 1 });
  });
});
