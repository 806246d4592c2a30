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
  if (opts.command !== null) void runExec(shell, channel, opts.command, out);
  else runInteractive(shell, channel, opts.pty, out);
}

/** `ssh host 'cmd1\ncmd2'`: run each line, exit 1 if any failed. */
async function runExec(shell: EosShell, channel: ssh2.ServerChannel, command: string, out: (text: string) => void): Promise<void> {
  let failed = false;
  for (const line of command.split(/\r?\n/)) {
    const r = await shell.run(line);
    if (r.output) out(`${r.output}\n`);
    failed ||= r.error;
    if (r.close) break;
  }
  if (!channel.writable) return;
  channel.exit(failed ? 1 : 0);
  channel.end();
}

/** An interactive shell: prompt, echo and line editing with a pty, plain lines without. */
function runInteractive(shell: EosShell, channel: ssh2.ServerChannel, pty: boolean, out: (text: string) => void): void {
  const opts = { pty };
  let buffer = '';
  let closed = false;
  let lastWasCr = false;
  // Input is handled strictly in order, echo included, so typed-ahead lines never overtake a command's output.
  let queue: Promise<void> = Promise.resolve();
  const runLine = async (line: string) => {
    if (closed) return;
    const r = await shell.run(line);
    // Without a pty nothing echoes as the user types: echo the command after its prompt, as an EOS session
    // transcript reads (prompt, command, output, next prompt, each on its own line). Drivers drop the echo.
    const echo = opts.pty ? '' : `${line}\n`;
    const text = `${echo}${r.output ? `${r.output}\n` : ''}`;
    if (r.close) {
      out(text);
      closed = true;
      if (channel.writable) {
        channel.exit(0);
        channel.end();
      }
      return;
    }
    // Output and prompt in one write: the client sees a complete answer in one packet.
    out(text + shell.prompt());
  };
  const consume = async (text: string) => {
    for (const ch of text) {
      if (closed) return;
      if (ch === '\r' && !opts.pty) continue;
      if (ch === '\r' || ch === '\n') {
        // A terminal sends \r (or \r\n) for Enter: one line either way.
        if (ch === '\n' && lastWasCr) {
          lastWasCr = false;
          continue;
        }
        lastWasCr = ch === '\r';
        if (opts.pty) out('\n');
        const line = buffer;
        buffer = '';
        await runLine(line);
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
        await runLine('logout');
      } else if (ch >= ' ') {
        buffer += ch;
        channel.write(ch);
      }
    }
  };
  out(shell.prompt());
  channel.on('data', (data: Buffer) => {
    const text = data.toString('utf8');
    queue = queue.then(() => consume(text));
  });
  channel.on('end', () => {
    // A client that closes its input after the last command (`ssh host < script`) still gets the outputs.
    queue = queue.then(async () => {
      if (buffer) await runLine(buffer);
      buffer = '';
      await runLine('logout');
    });
  });
}
