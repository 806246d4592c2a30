/**
 * NETCONF message framing over an SSH channel, shared by the driver (src/drivers/netconf)
 * and the lab's server (src/lab): RFC 6242 end-of-message
 * (`]]>]]>`, base:1.0 and every hello) and chunked framing (base:1.1, after
 * both hellos). The decoder hands each message's bytes on as they arrive (to a
 * streaming parser, or to a sink that assembles the text), keeps only a few
 * bytes of a partial delimiter or chunk header itself, and refuses messages
 * over a size cap, so a misbehaving peer cannot make us buffer without bound.
 */
import { NetsyncError } from '../model/errors.ts';

export type Framing = 'eom' | 'chunked';

const EOM = Buffer.from(']]>]]>');
const LF = 0x0a;
const HASH = 0x23;
/** RFC 6242 §4.2: chunk-size is 1..4294967295. */
const MAX_CHUNK = 4294967295;

export function encodeMessage(xml: string, framing: Framing): Buffer {
  const body = Buffer.from(xml, 'utf8');
  if (framing === 'eom') return Buffer.concat([body, EOM]);
  return Buffer.concat([Buffer.from(`\n#${body.length}\n`), body, Buffer.from('\n##\n')]);
}

function framingError(message: string, data: Record<string, unknown> = {}): NetsyncError {
  return new NetsyncError('NETCONF_FRAMING', `NETCONF framing error: ${message}`, data);
}

/** Receives one message at a time: its bytes in order, then the end. */
export interface MessageSink {
  chunk(part: Buffer): void;
  end(): void;
}

/** A sink that collects each whole message as text. */
function assemble(onMessage: (xml: string) => void): MessageSink {
  let parts: Buffer[] = [];
  return {
    chunk: (part) => void parts.push(part),
    end: () => {
      const xml = Buffer.concat(parts).toString('utf8');
      parts = [];
      onMessage(xml);
    },
  };
}

export class FrameDecoder {
  private framing: Framing = 'eom';
  private pending: Buffer = Buffer.alloc(0);
  private readonly sink: MessageSink;
  private size = 0;
  private chunkLeft = 0;

  constructor(
    target: MessageSink | ((xml: string) => void),
    private readonly maxMessageBytes = 64 * 1024 * 1024,
  ) {
    this.sink = typeof target === 'function' ? assemble(target) : target;
  }

  /** Switch framing; bytes already received after the current message are read in the new mode. */
  setFraming(framing: Framing): void {
    this.framing = framing;
  }

  get mode(): Framing {
    return this.framing;
  }

  push(data: Buffer): void {
    let rest = data;
    while (rest.length > 0 || this.pending.length > 0) {
      const consumed = this.framing === 'eom' ? this.eom(rest) : this.chunked(rest);
      if (consumed === null) return;
      rest = consumed;
    }
  }

  private addPart(part: Buffer): void {
    if (part.length === 0) return;
    this.size += part.length;
    if (this.size > this.maxMessageBytes) {
      this.size = 0;
      throw framingError(`message larger than ${this.maxMessageBytes} bytes`, { maxMessageBytes: this.maxMessageBytes });
    }
    this.sink.chunk(part);
  }

  private emit(): void {
    this.size = 0;
    this.sink.end();
  }

  /** Returns the unconsumed bytes after one message, or null when everything was consumed. */
  private eom(data: Buffer): Buffer | null {
    const buf = this.pending.length ? Buffer.concat([this.pending, data]) : data;
    this.pending = Buffer.alloc(0);
    const at = buf.indexOf(EOM);
    if (at >= 0) {
      this.addPart(buf.subarray(0, at));
      this.emit();
      return buf.subarray(at + EOM.length);
    }
    // Keep what could be the start of a delimiter split across reads.
    const keep = Math.min(buf.length, EOM.length - 1);
    this.addPart(buf.subarray(0, buf.length - keep));
    this.pending = Buffer.from(buf.subarray(buf.length - keep));
    return null;
  }

  private chunked(data: Buffer): Buffer | null {
    let buf = data;
    if (this.chunkLeft > 0) {
      const take = Math.min(this.chunkLeft, buf.length);
      this.addPart(buf.subarray(0, take));
      this.chunkLeft -= take;
      buf = buf.subarray(take);
      return buf.length ? buf : null;
    }
    if (this.pending.length) {
      buf = Buffer.concat([this.pending, buf]);
      this.pending = Buffer.alloc(0);
    }
    if (buf.length < 4) {
      this.pending = Buffer.from(buf);
      return null;
    }
    if (buf[0] !== LF || buf[1] !== HASH) throw framingError('expected a chunk header (\\n#)', { got: buf.subarray(0, 8).toString('latin1') });
    if (buf[2] === HASH) {
      if (buf[3] !== LF) throw framingError('bad end-of-chunks marker');
      // RFC 6242 §4.2: a message has at least one chunk; chunk sizes are >= 1, so no bytes means no chunk.
      if (this.size === 0) throw framingError('end-of-chunks without a chunk (an empty message)');
      this.emit();
      return buf.subarray(4);
    }
    const nl = buf.indexOf(LF, 2);
    if (nl < 0) {
      if (buf.length > 13) throw framingError('chunk header too long');
      this.pending = Buffer.from(buf);
      return null;
    }
    const digits = buf.toString('latin1', 2, nl);
    const size = /^[1-9][0-9]{0,9}$/.test(digits) ? Number(digits) : NaN;
    if (!(size <= MAX_CHUNK)) throw framingError(`bad chunk size '${digits}'`);
    this.chunkLeft = size;
    return buf.subarray(nl + 1);
  }
}
