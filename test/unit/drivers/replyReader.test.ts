import { expect } from 'chai';
import { ReplyReader } from '../../../src/drivers/netconf/replyReader.ts';

function read(xml: string, cut: (b: Buffer) => Buffer[]) {
  const r = new ReplyReader();
  for (const part of cut(Buffer.from(xml))) r.write(part);
  return r.end();
}
const whole = (b: Buffer) => [b];
const bytes = (b: Buffer) => [...b].map((x) => Buffer.from([x]));
const threes = (b: Buffer) => Array.from({ length: Math.ceil(b.length / 3) }, (_, i) => b.subarray(i * 3, i * 3 + 3));

const DATA = `<?xml version="1.0" encoding="UTF-8"?>
<nc:rpc-reply message-id="42" xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" last-modified="x"><nc:data><system xmlns="urn:x"><hostname>größe &amp; co</hostname><data>inner</data></system><![CDATA[<keep>]]></nc:data></nc:rpc-reply>`;

describe('NETCONF reply reader (streaming)', () => {
  for (const [name, cut] of [
    ['whole', whole],
    ['one byte at a time', bytes],
    ['three bytes at a time', threes],
  ] as const) {
    it(`keeps <data> verbatim (entities, CDATA, nested <data>, split UTF-8) — ${name}`, () => {
      const m = read(DATA, cut);
      expect(m).to.deep.include({ root: 'rpc-reply', messageId: '42', ok: false, errors: [] });
      expect(m.data).to.equal('<system xmlns="urn:x"><hostname>größe &amp; co</hostname><data>inner</data></system><![CDATA[<keep>]]>');
    });
  }

  it('reads a hello, <ok/>, empty <data/> and rpc-errors with error-info', () => {
    const hello = read(
      '<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities><capability> urn:a </capability><capability>urn:b?x=1&amp;y=2</capability></capabilities><session-id>9</session-id></hello>',
      bytes,
    );
    expect(hello).to.deep.include({ root: 'hello', capabilities: ['urn:a', 'urn:b?x=1&y=2'], sessionId: '9' });
    expect(read('<rpc-reply message-id="1"><ok/></rpc-reply>', whole)).to.deep.include({ ok: true });
    expect(read('<rpc-reply message-id="1"><data/></rpc-reply>', whole).data).to.equal('');
    const err = read(
      '<rpc-reply message-id="2"><rpc-error><error-type>protocol</error-type><error-tag>lock-denied</error-tag><error-severity>error</error-severity>' +
        '<error-message xml:lang="en">locked</error-message><error-info><session-id>7</session-id></error-info></rpc-error>' +
        '<rpc-error><error-tag>x</error-tag><error-severity>warning</error-severity></rpc-error></rpc-reply>',
      threes,
    );
    expect(err.errors).to.deep.equal([
      { type: 'protocol', tag: 'lock-denied', severity: 'error', message: 'locked', info: { 'session-id': '7' } },
      { type: 'application', tag: 'x', severity: 'warning', info: {} },
    ]);
  });

  it('throws on malformed XML', () => {
    expect(() => read('<rpc-reply><ok></rpc-reply>', whole)).to.throw();
  });
});
