/**
 * Connects an EOS shell to an SSH channel: a shell (interactive, with echo and
 * line editing when a pty was requested) or an exec (commands separated by newlines).
 */
import type ssh2 from 'ssh2';
import type { ConnectionHandle, DeviceCore } from './deviceCore.ts';
import type { EosSessions } from './eosSessions.ts';
import { EosShell } from './eosShell.ts';

export function attachEosChannel(
  device: DeviceCore,
  sessions: EosSessions,
  conn: ConnectionHandle,
  channel: ssh2.ServerChannel,
  opts: { pty: boolean; command: string | null },
): void {
  const shell = new EosShell(device, sessions, conn);
  const nl = opts.pty ? '\r\n' : '\n';
  const out = (text: string) => {
    if (text && channel.writable) channel.write(text.replace(/\n/g, nl));
  };
  channel.on('error', () => {});

  if (opts.command !== null) {
    void (async () => {
      let failed = false;
      for (const line of opts.command!.split(/\r?\n/)) {
        const r = await shell.run(line);
        if (r.output) out(`${r.output}\n`);
        failed ||= r.error;
        if (r.close) break;
      }
      if (!channel.writable) return;
      channel.exit(failed ? 1 : 0);
      channel.end();
    })();
    return;
  }

  let buffer = '';
  let queue: Promise<void> = Promise.resolve();
  let closed = false;
  const runLine = (line: string) => {
    queue = queue.then(async () => {
      if (closed) return;
      const r = await shell.run(line);
      if (r.output) out(`${r.output}\n`);
      if (r.close) {
        closed = true;
        if (channel.writable) {
          channel.exit(0);
          channel.end();
        }
        return;
      }
      out(shell.prompt());
    });
  };
  out(shell.prompt());
  let lastWasCr = false;
  channel.on('data', (data: Buffer) => {
    for (const ch of data.toString('utf8')) {
      if (ch === '\r' && !opts.pty) continue;
      if (ch === '\r' || ch === '\n') {
        // A terminal sends \r (or \r\n) for Enter: one line either way.
        if (ch === '\n' && lastWasCr) {
          lastWasCr = false;
          continue;
        }
        lastWasCr = ch === '\r';
        if (opts.pty) out('\n');
        runLine(buffer);
        buffer = '';
        continue;
      }
      lastWasCr = false;
      if (!opts.pty) {
        buffer += ch;
      } else if (ch === '\x7f' || ch === '\b') {
        if (buffer) {
          buffer = buffer.slice(0, -1);
          channel.write('\b \b');
        }
      } else if (ch === '\x03') {
        buffer = '';
        out(`^C\n${shell.prompt()}`);
      } else if (ch === '\x04' && !buffer) {
        runLine('logout');
      } else if (ch >= ' ') {
        buffer += ch;
        channel.write(ch);
      }
    }
  });
  channel.on('end', () => {
    // A client that closes its input after the last command (`ssh host < script`) still gets the outputs.
    if (buffer) runLine(buffer);
    buffer = '';
    runLine('logout');
  });
}
