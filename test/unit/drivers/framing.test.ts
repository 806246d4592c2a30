import { expect } from 'chai';
import { FrameDecoder, encodeMessage } from '../../../src/protocol/netconfFraming.ts';
import type { NetsyncError } from '../../../src/model/errors.ts';

function decodeAll(chunks: Buffer[], framing: 'eom' | 'chunked' = 'eom', max?: number): string[] {
  const out: string[] = [];
  const d = new FrameDecoder((m) => out.push(m), max);
  d.setFraming(framing);
  for (const c of chunks) d.push(c);
  return out;
}

/** Every way to cut a buffer into 1..3 pieces at each position. */
function splits(buf: Buffer): Buffer[][] {
  const out: Buffer[][] = [[buf]];
  for (let i = 1; i < buf.length; i++) out.push([buf.subarray(0, i), buf.subarray(i)]);
  for (let i = 1; i < buf.length; i += 3) for (let j = i + 1; j < buf.length; j += 5) out.push([buf.subarray(0, i), buf.subarray(i, j), buf.subarray(j)]);
  return out;
}

describe('NETCONF framing', () => {
  it('end-of-message: decodes two messages however the bytes are split', () => {
    const wire = Buffer.concat([encodeMessage('<a>é</a>', 'eom'), encodeMessage('<b/>', 'eom')]);
    for (const parts of splits(wire)) expect(decodeAll(parts)).to.deep.equal(['<a>é</a>', '<b/>']);
  });

  it('end-of-message: a lone "]]>" inside a message is data', () => {
    expect(decodeAll([Buffer.from('<x>]]></x>]]>]]>')])).to.deep.equal(['<x>]]></x>']);
  });

  it('chunked: decodes multi-chunk messages however the bytes are split, counting bytes not characters', () => {
    const wire = Buffer.from('\n#4\n<rpc\n#17\n message-id="1"/>\n##\n\n#5\n<ä/>\n##\n');
    for (const parts of splits(wire)) expect(decodeAll(parts, 'chunked')).to.deep.equal(['<rpc message-id="1"/>', '<ä/>']);
    expect(decodeAll([encodeMessage('<big>' + 'x'.repeat(70000) + '</big>', 'chunked')], 'chunked')[0]).to.have.length(70011);
  });

  it('switches framing mid-buffer after the hello', () => {
    const out: string[] = [];
    const d = new FrameDecoder((m) => {
      out.push(m);
      d.setFraming('chunked');
    });
    d.push(Buffer.concat([encodeMessage('<hello/>', 'eom'), encodeMessage('<rpc-reply/>', 'chunked')]));
    expect(out).to.deep.equal(['<hello/>', '<rpc-reply/>']);
  });

  it('refuses bad chunk headers and sizes', () => {
    for (const bad of ['\n#0\nx', '\n#abc\n', 'junk\n#3\nabc', '\n#12345678901\n', '\n##x']) {
      let err: NetsyncError | undefined;
      try {
        decodeAll([Buffer.from(bad)], 'chunked');
      } catch (e) {
        err = e as NetsyncError;
      }
      expect(err?.code, bad).to.equal('NETCONF_FRAMING');
    }
  });

  it('refuses a message over the size cap instead of buffering it', () => {
    const d = new FrameDecoder(() => undefined, 1000);
    let err: NetsyncError | undefined;
    try {
      for (let i = 0; i < 10; i++) d.push(Buffer.alloc(200, 0x61));
    } catch (e) {
      err = e as NetsyncError;
    }
    expect(err?.code).to.equal('NETCONF_FRAMING');
    expect(err?.data.maxMessageBytes).to.equal(1000);
  });
});
