import { expect } from 'chai';
import { Duplex, PassThrough } from 'node:stream';
import { NetconfClient } from '../../../src/drivers/netconf/client.ts';
import { FrameDecoder, encodeMessage } from '../../../src/protocol/netconfFraming.ts';
import { NetconfRpcError } from '../../../src/drivers/netconf/rpcError.ts';
import type { NetsyncError } from '../../../src/model/errors.ts';

/** The agent side of an in-memory channel: sees what the client writes, can answer in either framing. */
function channelPair() {
  const toClient = new PassThrough();
  const toServer = new PassThrough();
  const client = Duplex.from({ readable: toClient, writable: toServer });
  const received: string[] = [];
  const decoder = new FrameDecoder((m) => received.push(m));
  toServer.on('data', (b: Buffer) => decoder.push(b));
  return {
    client,
    received,
    decoder,
    send: (xml: string, framing: 'eom' | 'chunked') => toClient.write(encodeMessage(xml, framing)),
    close: () => toClient.end(),
  };
}

// A real netconfd 2.13 hello, trimmed.
const HELLO = `<?xml version="1.0" encoding="UTF-8"?>
<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>
<capability>urn:ietf:params:netconf:base:1.0</capability>
<capability>urn:ietf:params:netconf:base:1.1</capability>
<capability>urn:ietf:params:netconf:capability:candidate:1.0</capability>
<capability>urn:ietf:params:netconf:capability:confirmed-commit:1.1</capability>
<capability>urn:ietf:params:netconf:capability:with-defaults:1.0?basic-mode=explicit&amp;also-supported=trim</capability>
</capabilities><session-id>7</session-id></hello>`;

// A real netconfd reply with two rpc-errors (pattern + mandatory), as seen from example-config.
const TWO_ERRORS = (id: string) => `<?xml version="1.0" encoding="UTF-8"?>
<rpc-reply message-id="${id}" xmlns:ex="urn:example:config" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <rpc-error><error-type>protocol</error-type><error-tag>invalid-value</error-tag><error-severity>error</error-severity>
    <error-app-tag>pattern-test-failed</error-app-tag><error-path>/nc:rpc/nc:edit-config/nc:config/ex:system/ex:hostname</error-path>
    <error-message xml:lang="en">pattern match failed</error-message>
    <error-info><bad-value xmlns="http://netconfcentral.org/ns/yuma-ncx">9bad</bad-value><error-number xmlns="http://netconfcentral.org/ns/yuma-ncx">333</error-number></error-info></rpc-error>
  <rpc-error><error-type>application</error-type><error-tag>data-missing</error-tag><error-severity>error</error-severity>
    <error-app-tag>instance-required</error-app-tag><error-message xml:lang="en">missing vlan</error-message></rpc-error>
  <rpc-error><error-type>application</error-type><error-tag>operation-failed</error-tag><error-severity>warning</error-severity></rpc-error>
</rpc-reply>`;

async function started() {
  const p = channelPair();
  const pending = NetconfClient.start(p.client, { hostname: 'nc-1', rpcTimeoutMs: 500 });
  p.send(HELLO, 'eom');
  const client = await pending;
  p.decoder.setFraming('chunked');
  return { ...p, nc: client };
}

async function until(cond: () => boolean): Promise<void> {
  const end = Date.now() + 2000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('NETCONF client', () => {
  it('sends its hello first, reads capabilities and switches to chunked framing for base:1.1', async () => {
    const { nc, received } = await started();
    expect(received[0]).to.contain('<hello').and.contain('urn:ietf:params:netconf:base:1.1');
    expect(nc.sessionId).to.equal('7');
    expect(nc.usesChunkedFraming).to.equal(true);
    expect(nc.hasCapability('urn:ietf:params:netconf:capability:with-defaults:1.0')).to.equal(true);
    expect(nc.hasCapability('urn:ietf:params:netconf:capability:validate:1.0')).to.equal(false);
  });

  it('stays on end-of-message framing when the server only speaks base:1.0', async () => {
    const p = channelPair();
    const pending = NetconfClient.start(p.client, { hostname: 'nc-1' });
    p.send(HELLO.replace(/<capability>urn:ietf:params:netconf:base:1.1<\/capability>/, ''), 'eom');
    const nc = await pending;
    expect(nc.usesChunkedFraming).to.equal(false);
    const reply = nc.rpc('<get-config><source><running/></source></get-config>');
    await until(() => p.received.length === 2);
    expect(p.received[1]).to.match(/^<rpc message-id="1"/);
    p.send(
      '<rpc-reply message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><data><system xmlns="urn:example:config"><hostname>a</hostname></system></data></rpc-reply>',
      'eom',
    );
    expect((await reply).data).to.equal('<system xmlns="urn:example:config"><hostname>a</hostname></system>');
  });

  it('matches replies to requests by message-id, in any order', async () => {
    const { nc, received, send } = await started();
    const a = nc.rpc('<get-config><source><running/></source></get-config>');
    const b = nc.rpc('<lock><target><candidate/></target></lock>');
    await until(() => received.length === 3);
    send('<rpc-reply message-id="2" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><ok/></rpc-reply>', 'chunked');
    send('<nc:rpc-reply message-id="1" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0"><nc:data/></nc:rpc-reply>', 'chunked');
    const [ra, rb] = await Promise.all([a, b]);
    expect(ra.data).to.equal('');
    expect(rb.ok).to.equal(true);
  });

  it('parses every rpc-error of a reply into typed errors; warnings alone do not fail', async () => {
    const { nc, received, send } = await started();
    const p = nc.rpc('<edit-config/>');
    await until(() => received.length === 2);
    send(TWO_ERRORS('1'), 'chunked');
    const err = (await p.catch((e: unknown) => e)) as NetconfRpcError;
    expect(err.code).to.equal('NETCONF_RPC_ERROR');
    expect(err.tag).to.equal('invalid-value');
    expect(err.errors).to.have.length(2);
    expect(err.errors[0]).to.deep.equal({
      type: 'protocol',
      tag: 'invalid-value',
      severity: 'error',
      appTag: 'pattern-test-failed',
      path: '/nc:rpc/nc:edit-config/nc:config/ex:system/ex:hostname',
      message: 'pattern match failed',
      info: { 'bad-value': '9bad', 'error-number': '333' },
    });
    expect(err.errors[1]).to.include({ tag: 'data-missing', appTag: 'instance-required' });
    expect(err.message).to.contain('invalid-value/pattern-test-failed at /nc:rpc/nc:edit-config/nc:config/ex:system/ex:hostname: pattern match failed');
  });

  it('names an error path once when the message already starts with it', () => {
    const info = {
      type: 'application',
      tag: 'invalid-value',
      severity: 'error' as const,
      path: '/vlans/vlan/id',
      message: '/vlans/vlan/id: vlan must be 1-4094',
      info: {},
    };
    expect(new NetconfRpcError('sw-1', 'edit-config', [info]).message).to.equal(
      'sw-1: edit-config refused by the device: invalid-value: /vlans/vlan/id: vlan must be 1-4094',
    );
  });

  it('nudges an agent that sits on the first request (netconfd stall) with a probe whose reply is ignored', async () => {
    const p = channelPair();
    const pending = NetconfClient.start(p.client, { hostname: 'nc-1', stallProbeMs: 30 });
    p.send(HELLO, 'eom');
    const nc = await pending;
    p.decoder.setFraming('chunked');
    const first = nc.rpc('<lock><target><candidate/></target></lock>');
    await until(() => p.received.length === 3);
    expect(p.received[2])
      .to.match(/^<rpc message-id="probe-1"/)
      .and.contain('<get-config>');
    p.send('<rpc-reply message-id="probe-1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><data/></rpc-reply>', 'chunked');
    p.send('<rpc-reply message-id="1" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><ok/></rpc-reply>', 'chunked');
    expect((await first).ok).to.equal(true);
    // Once the agent has answered, later requests are never nudged.
    const second = nc.rpc('<unlock><target><candidate/></target></unlock>');
    // Any probe timer (30 ms, or 60 ms re-armed) was armed before this 100 ms wait and is due first: ordered, not hoped.
    await new Promise((r) => setTimeout(r, 100));
    expect(p.received).to.have.length(4);
    p.send('<rpc-reply message-id="2" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><ok/></rpc-reply>', 'chunked');
    expect((await second).ok).to.equal(true);
  });

  it('times out one RPC without breaking the session', async () => {
    const { nc, received, send } = await started();
    const slow = nc.rpc('<get/>', { timeoutMs: 50 });
    expect(((await slow.catch((e: unknown) => e)) as NetsyncError).code).to.equal('NETCONF_TIMEOUT');
    const next = nc.rpc('<commit/>');
    await until(() => received.length === 3);
    send('<rpc-reply message-id="2" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><ok/></rpc-reply>', 'chunked');
    expect((await next).ok).to.equal(true);
  });

  it('reports a channel that closes before the hello as NETCONF_NO_HELLO', async () => {
    const p = channelPair();
    const pending = NetconfClient.start(p.client, { hostname: 'nc-1' });
    p.close();
    const err = (await pending.catch((e: unknown) => e)) as NetsyncError;
    expect(err.code).to.equal('NETCONF_NO_HELLO');
    expect(err.data.hostname).to.equal('nc-1');
  });

  it('ends the session on malformed XML (NETCONF_BAD_XML) and fails what is pending', async () => {
    const { nc, received, send } = await started();
    const p = nc.rpc('<get/>');
    await until(() => received.length === 2);
    send('<rpc-reply message-id="1"><data></rpc-reply>', 'chunked');
    expect(((await p.catch((e: unknown) => e)) as NetsyncError).code).to.equal('NETCONF_BAD_XML');
  });

  it('fails pending RPCs when the session drops, and refuses new ones', async () => {
    const { nc, received, close } = await started();
    const p = nc.rpc('<commit/>');
    await until(() => received.length === 2);
    close();
    expect(((await p.catch((e: unknown) => e)) as NetsyncError).code).to.equal('NETCONF_CLOSED');
    expect(((await nc.rpc('<get/>').catch((e: unknown) => e)) as NetsyncError).code).to.equal('NETCONF_CLOSED');
  });
});
