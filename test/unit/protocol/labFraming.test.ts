/** RFC 6242 framing as the lab's server uses it: split anywhere, switched after the hello, and the violations that end a session. */
import { expect } from 'chai';
import { FrameDecoder, encodeMessage } from '../../../src/protocol/netconfFraming.ts';

function decoder(): { d: FrameDecoder; out: string[] } {
  const out: string[] = [];
  return { d: new FrameDecoder((m) => out.push(m)), out };
}

function feed(d: FrameDecoder, ...parts: Array<string | Buffer>): void {
  for (const p of parts) d.push(Buffer.isBuffer(p) ? p : Buffer.from(p));
}

describe('NETCONF framing (shared by the driver and the lab)', () => {
  it('splits ]]>]]> messages, also when the marker arrives in pieces', () => {
    const { d, out } = decoder();
    feed(d, '<a/>]]>', ']]><b/>]]>]]><c');
    expect(out).to.deep.equal(['<a/>', '<b/>']);
  });

  it('reassembles chunked messages of several chunks, counting octets not characters', () => {
    const { d, out } = decoder();
    d.setFraming('chunked');
    const msg = '<x>é✓</x>';
    const bytes = [...encodeMessage(msg, 'chunked')];
    feed(d, ...bytes.map((b) => Buffer.from([b])), '\n#3\n<y>\n#4\n</y>\n##\n');
    expect(out).to.deep.equal([msg, '<y></y>']);
  });

  it('switches framing right after the hello when the caller says so', () => {
    const out: string[] = [];
    const d: FrameDecoder = new FrameDecoder((m) => {
      out.push(m);
      d.setFraming('chunked');
    });
    d.push(Buffer.from('<hello/>]]>]]>\n#5\n<rpc>\n##\n'));
    expect(out).to.deep.equal(['<hello/>', '<rpc>']);
  });

  for (const [what, bytes] of [
    ['garbage instead of a chunk header', 'hello'],
    ['a non-numeric chunk size', '\n#abc\n'],
    ['a zero chunk size', '\n#0\n'],
    ['end-of-chunks without a chunk (RFC 6242 forbids an empty message)', '\n##\n'],
    ['end-of-chunks without a chunk after a good message', '\n#4\n<a/>\n##\n\n##\n'],
  ] as const) {
    it(`refuses ${what} with NETCONF_FRAMING`, () => {
      const { d } = decoder();
      d.setFraming('chunked');
      expect(() => feed(d, bytes))
        .to.throw()
        .with.property('code', 'NETCONF_FRAMING');
    });
  }
});
