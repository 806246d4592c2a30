/** RFC 6242 framing in the lab: ]]>]]> and chunked, split anywhere, and the violations that end a session. */
import { expect } from 'chai';
import { FrameDecoder, FramingError, encodeFrame } from '../../../src/lab/netconfFraming.ts';

function feed(d: FrameDecoder, ...parts: Array<string | Buffer>): string[] {
  const out: string[] = [];
  for (const p of parts) d.push(Buffer.isBuffer(p) ? p : Buffer.from(p), (m) => out.push(m));
  return out;
}

describe('lab: NETCONF framing', () => {
  it('splits ]]>]]> messages, also when the marker arrives in pieces', () => {
    const d = new FrameDecoder();
    expect(feed(d, '<a/>]]>', ']]><b/>]]>]]><c')).to.deep.equal(['<a/>', '<b/>']);
  });

  it('reassembles chunked messages of several chunks, counting octets not characters', () => {
    const d = new FrameDecoder();
    d.framing = 'chunked';
    const msg = '<x>é✓</x>';
    const frame = encodeFrame('chunked', msg);
    const bytes = [...frame];
    const out = feed(d, ...bytes.map((b) => Buffer.from([b])), '\n#3\n<y>\n#4\n</y>\n##\n');
    expect(out).to.deep.equal([msg, '<y></y>']);
  });

  it('switches framing right after the hello when the caller says so', () => {
    const d = new FrameDecoder();
    const out: string[] = [];
    d.push(Buffer.from('<hello/>]]>]]>\n#5\n<rpc>\n##\n'), (m) => {
      out.push(m);
      d.framing = 'chunked';
    });
    expect(out).to.deep.equal(['<hello/>', '<rpc>']);
  });

  for (const [what, bytes] of [
    ['garbage instead of a chunk header', 'hello'],
    ['a non-numeric chunk size', '\n#abc\n'],
    ['a zero chunk size', '\n#0\n'],
    ['end-of-chunks without a chunk', '\n##\n'],
  ] as const) {
    it(`throws FramingError on ${what}`, () => {
      const d = new FrameDecoder();
      d.framing = 'chunked';
      expect(() => feed(d, bytes)).to.throw(FramingError);
    });
  }
});
