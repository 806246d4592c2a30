/**
 * Passive results for Nagios/Icinga: one PROCESS_SERVICE_CHECK_RESULT external
 * command per sweep. Writing goes through a `CommandSink` so this stays pure;
 * the FIFO-safe file writer is an adapter (src/monitoring/nagiosCommandFile.ts).
 */
import type { AlarmReport } from './evaluate.ts';
import { pluginResult } from './nagiosPlugin.ts';

/** What became of one write: a FIFO with no reader (Nagios down) is skipped, never waited on. */
export type SinkOutcome = 'written' | 'no-reader' | 'missing';

export interface CommandSink {
  readonly target: string;
  write(line: string): Promise<SinkOutcome>;
}

export interface PassiveTarget {
  host: string;
  service: string;
}

/** `[epoch] PROCESS_SERVICE_CHECK_RESULT;host;service;code;output` — newlines escaped as Nagios 4 expects. */
export function passiveCheckLine(report: AlarmReport, target: PassiveTarget, now: Date): string {
  const result = pluginResult(report);
  const output = fitLines(
    result.text.split('\n').map((l) => l.replace(/\\/g, '\\\\')),
    MAX_OUTPUT,
  );
  const epoch = Math.floor(now.getTime() / 1000);
  return `[${epoch}] PROCESS_SERVICE_CHECK_RESULT;${target.host};${target.service};${result.exitCode};${output}\n`;
}

/** Under PIPE_BUF (4096) a FIFO write is atomic and never interleaves with other writers; keep well below it. */
const MAX_OUTPUT = 3800;

function fitLines(lines: string[], max: number): string {
  let out = lines[0] ?? '';
  for (let i = 1; i < lines.length; i++) {
    const more = `\\n(+${lines.length - i} more devices)`;
    if (out.length + 2 + lines[i]!.length + more.length > max) return out + more;
    out += `\\n${lines[i]}`;
  }
  return out;
}
