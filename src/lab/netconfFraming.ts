/**
 * RFC 6242 framing: `]]>]]>` end-of-message (hello and base:1.0) and chunked
 * framing (`\n#<len>\n...\n##\n`) once both sides announced base:1.1.
 * Chunk lengths count octets, so the decoder works on Buffers.
 */

export class FramingError extends Error {}

const EOM = Buffer.from(']]>]]>');
const MAX_MESSAGE = 32 * 1024 * 1024;

export type Framing = 'eom' | 'chunked';

export class FrameDecoder {
  framing: Framing = 'eom';
  private buf: Buffer = Buffer.alloc(0);
  private chunks: Buffer[] = [];
  private chunkedSize = 0;

  /**
   * Feeds received bytes and hands each complete message to `onMessage`, synchronously,
   * so the caller can switch `framing` right after the hello. Throws FramingError on a violation.
   */
  push(data: Buffer, onMessage: (msg: string) => void): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
    for (;;) {
      const msg = this.framing === 'eom' ? this.nextEom() : this.nextChunked();
      if (msg === null) break;
      onMessage(msg);
    }
    if (this.buf.length + this.chunkedSize > MAX_MESSAGE) throw new FramingError('message too large');
  }

  private nextEom(): string | null {
    const i = this.buf.indexOf(EOM);
    if (i < 0) return null;
    const msg = this.buf.subarray(0, i).toString('utf8');
    this.buf = this.buf.subarray(i + EOM.length);
    return msg;
  }

  private nextChunked(): string | null {
    for (;;) {
      if (this.buf.length < 4) return null;
      if (this.buf[0] !== 0x0a || this.buf[1] !== 0x23) throw new FramingError('expected a chunk header (\\n#)');
      if (this.buf[2] === 0x23) {
        if (this.buf[3] !== 0x0a) throw new FramingError('bad end-of-chunks marker');
        if (!this.chunks.length) throw new FramingError('end-of-chunks without a chunk');
        this.buf = this.buf.subarray(4);
        const msg = Buffer.concat(this.chunks).toString('utf8');
        this.chunks = [];
        this.chunkedSize = 0;
        return msg;
      }
      const nl = this.buf.indexOf(0x0a, 2);
      if (nl < 0) {
        if (this.buf.length > 13) throw new FramingError('chunk size too long');
        return null;
      }
      const sizeText = this.buf.subarray(2, nl).toString('latin1');
      if (!/^[1-9][0-9]{0,9}$/.test(sizeText) || Number(sizeText) > 4294967295) throw new FramingError(`bad chunk size '${sizeText}'`);
      const size = Number(sizeText);
      if (this.buf.length < nl + 1 + size) return null;
      this.chunks.push(this.buf.subarray(nl + 1, nl + 1 + size));
      this.chunkedSize += size;
      this.buf = this.buf.subarray(nl + 1 + size);
    }
  }
}

export function encodeFrame(framing: Framing, xml: string): Buffer {
  const body = Buffer.from(xml, 'utf8');
  if (framing === 'eom') return Buffer.concat([body, EOM]);
  return Buffer.concat([Buffer.from(`\n#${body.length}\n`), body, Buffer.from('\n##\n')]);
}
