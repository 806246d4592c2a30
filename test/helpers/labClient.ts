/**
 * Minimal SSH clients for lab tests (our own ssh2 code, independent of src/drivers):
 * a raw NETCONF session that sends exact bytes and parses replies, and an EOS shell/exec runner.
 */
import ssh2 from 'ssh2';

export interface Auth {
  username?: string;
  password?: string;
  privateKey?: string;
}

export function connect(port: number, auth: Auth = { password: 'netsync' }, opts: { hostKeys?: string[] } = {}): Promise<ssh2.Client> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    c.once('ready', () => resolve(c));
    c.once('error', reject);
    c.connect({
      host: '127.0.0.1',
      port,
      username: auth.username ?? 'netsync',
      ...(auth.password !== undefined ? { password: auth.password } : {}),
      ...(auth.privateKey !== undefined ? { privateKey: auth.privateKey } : {}),
      readyTimeout: 10000,
      hostVerifier: (key: Buffer) => {
        opts.hostKeys?.push(key.toString('base64'));
        return true;
      },
    });
  });
}

const EOM = ']]>]]>';
const BASE11 = 'urn:ietf:params:netconf:base:1.1';

/** A NETCONF session: `rpc(body)` frames and sends, resolving with the reply text. */
export class RawNetconf {
  hello = '';
  sessionId = 0;
  closed = false;
  private buf = Buffer.alloc(0);
  private chunked = false;
  private waiters: Array<(msg: string) => void> = [];
  private messages: string[] = [];
  private nextId = 1;

  private constructor(
    readonly client: ssh2.Client,
    readonly stream: ssh2.ClientChannel,
  ) {
    stream.on('data', (d: Buffer) => this.onData(d));
    stream.on('close', () => {
      this.closed = true;
      for (const w of this.waiters.splice(0)) w('');
    });
  }

  static async open(port: number, opts: { base11?: boolean; auth?: Auth; skipHello?: boolean } = {}): Promise<RawNetconf> {
    const client = await connect(port, opts.auth);
    const stream = await new Promise<ssh2.ClientChannel>((resolve, reject) => client.subsys('netconf', (err, s) => (err ? reject(err) : resolve(s))));
    const nc = new RawNetconf(client, stream);
    nc.hello = await nc.next();
    nc.sessionId = Number(/<session-id>(\d+)<\/session-id>/.exec(nc.hello)?.[1] ?? 0);
    if (!opts.skipHello) {
      const caps = ['urn:ietf:params:netconf:base:1.0', ...(opts.base11 === false ? [] : [BASE11])];
      nc.sendRaw(
        `<hello xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><capabilities>${caps.map((c) => `<capability>${c}</capability>`).join('')}</capabilities></hello>${EOM}`,
      );
      nc.chunked = opts.base11 !== false;
    }
    return nc;
  }

  sendRaw(data: string | Buffer): void {
    this.stream.write(data);
  }

  send(xml: string): void {
    const body = Buffer.from(xml);
    this.sendRaw(this.chunked ? Buffer.concat([Buffer.from(`\n#${body.length}\n`), body, Buffer.from('\n##\n')]) : Buffer.concat([body, Buffer.from(EOM)]));
  }

  /** Sends `<rpc message-id=N>body</rpc>`; resolves with the reply ('' if the session closed). */
  async rpc(body: string): Promise<string> {
    const id = this.nextId++;
    this.send(`<rpc message-id="${id}" xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">${body}</rpc>`);
    return this.next();
  }

  next(timeoutMs = 10000): Promise<string> {
    const m = this.messages.shift();
    if (m !== undefined) return Promise.resolve(m);
    if (this.closed) return Promise.resolve('');
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no NETCONF reply in time')), timeoutMs);
      this.waiters.push((msg) => {
        clearTimeout(t);
        resolve(msg);
      });
    });
  }

  private deliver(msg: string): void {
    const w = this.waiters.shift();
    if (w) w(msg);
    else this.messages.push(msg);
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      // The server's hello always comes with ]]>]]> framing.
      if (!this.chunked || !this.hello) {
        const i = this.buf.indexOf(EOM);
        if (i < 0) return;
        const msg = this.buf.subarray(0, i).toString();
        this.buf = this.buf.subarray(i + EOM.length);
        if (!this.hello) this.hello = msg;
        this.deliver(msg);
        continue;
      }
      let pos = 0;
      const parts: Buffer[] = [];
      for (;;) {
        const header = /^\n#(\d+|#)\n/.exec(this.buf.subarray(pos, pos + 16).toString('latin1'));
        if (!header) return;
        pos += header[0].length;
        if (header[1] === '#') break;
        const n = Number(header[1]);
        if (this.buf.length < pos + n) return;
        parts.push(this.buf.subarray(pos, pos + n));
        pos += n;
      }
      this.buf = this.buf.subarray(pos);
      this.deliver(Buffer.concat(parts).toString());
    }
  }

  close(): void {
    this.client.end();
  }
}

/** Runs commands over SSH exec (one channel, newline-separated); resolves with stdout and the exit code. */
export async function eosExec(port: number, commands: string[], auth?: Auth): Promise<{ stdout: string; code: number | null }> {
  const client = await connect(port, auth);
  try {
    return await new Promise((resolve, reject) => {
      client.exec(commands.join('\n'), (err, stream) => {
        if (err) return reject(err);
        let stdout = '';
        let code: number | null = null;
        stream.on('data', (d: Buffer) => (stdout += d.toString()));
        stream.on('exit', (c: number) => (code = c));
        stream.on('close', () => resolve({ stdout, code }));
      });
    });
  } finally {
    client.end();
  }
}

/** An interactive EOS shell without a pty: `cmd(line)` resolves with the output up to the next prompt. */
export class EosShellClient {
  private out = '';
  private wake: (() => void) | null = null;
  private constructor(
    readonly client: ssh2.Client,
    readonly stream: ssh2.ClientChannel,
  ) {
    stream.on('data', (d: Buffer) => {
      this.out += d.toString();
      this.wake?.();
    });
    stream.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  closed = false;

  static async open(port: number, auth?: Auth): Promise<EosShellClient> {
    const client = await connect(port, auth);
    const stream = await new Promise<ssh2.ClientChannel>((resolve, reject) => client.shell(false, (err, s) => (err ? reject(err) : resolve(s))));
    const sh = new EosShellClient(client, stream);
    await sh.untilPrompt();
    return sh;
  }

  private async untilPrompt(timeoutMs = 10000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /^(.*?)(\S+#)$/s.exec(this.out);
      if (m) {
        this.out = '';
        return m[1]!.replace(/\n$/, '');
      }
      if (this.closed) throw new Error(`connection closed; got ${JSON.stringify(this.out)}`);
      if (Date.now() > deadline) throw new Error(`no prompt; got ${JSON.stringify(this.out)}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 100);
      });
    }
  }

  /** The command's output; the echoed command line in front of it is dropped (as the EOS driver does). */
  async cmd(line: string): Promise<string> {
    this.stream.write(`${line}\n`);
    const text = await this.untilPrompt();
    const echo = `${line}\n`;
    return text.startsWith(echo) ? text.slice(echo.length) : text === line ? '' : text;
  }

  close(): void {
    this.client.end();
  }
}
