/**
 * `netsync check-unsynced`: a Nagios/Icinga plugin following the Monitoring
 * Plugins guidelines. Prints one status line with perfdata plus one device per
 * line, exits 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Anything that keeps it
 * from knowing (daemon unreachable, token rejected, bad arguments, timeout) is
 * UNKNOWN with the reason, never a false OK.
 */
import { CommanderError } from 'commander';
import type { Command } from 'commander';
import { parseDuration } from '../../model/duration.ts';
import type { AlarmReport, Thresholds } from '../../alarms/evaluate.ts';
import { checkThresholds } from '../../alarms/evaluate.ts';
import type { PluginResult } from '../../alarms/nagiosPlugin.ts';
import { pluginResult, unknownResult } from '../../alarms/nagiosPlugin.ts';
import { isNetsyncError } from '../../model/errors.ts';
import { ApiClient } from '../apiClient.ts';
import { addClientOptions, type ClientFlags } from '../options.ts';

interface CheckFlags extends ClientFlags {
  warning?: string;
  critical?: string;
  timeout: string;
}

const DEFAULT_TIMEOUT = '10s';

export async function checkUnsynced(flags: CheckFlags, env: NodeJS.ProcessEnv = process.env): Promise<PluginResult> {
  let query: URLSearchParams;
  let timeoutMs: number;
  try {
    query = thresholdQuery(flags);
    timeoutMs = parseDuration(flags.timeout, 'timeout') * 1000;
  } catch (err) {
    return unknownResult(`invalid arguments: ${(err as Error).message}`);
  }
  // The request itself is aborted at the timeout (so the process can end); the race gives the clearer message.
  const client = await ApiClient.create({ ...flags, timeoutMs }, env);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${client.baseUrl} within ${flags.timeout}`)), timeoutMs);
  });
  try {
    const qs = query.size > 0 ? `?${query}` : '';
    const { alarm } = await Promise.race([client.get<{ alarm: AlarmReport }>(`/api/v1/alarms${qs}`), timedOut]);
    return pluginResult(alarm);
  } catch (err) {
    if (isNetsyncError(err)) {
      const why = err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN' ? 'the daemon rejected the token: ' : '';
      return unknownResult(`${why}${err.message} [${err.code}]`);
    }
    return unknownResult((err as Error).message);
  } finally {
    clearTimeout(timer);
  }
}

/** Checks the thresholds locally so a typo is UNKNOWN with a clear reason, not a daemon round trip. */
function thresholdQuery(flags: CheckFlags): URLSearchParams {
  const query = new URLSearchParams();
  const given: Partial<Thresholds> = {};
  if (flags.warning !== undefined) {
    given.warningSeconds = parseDuration(flags.warning, 'warning');
    query.set('warning', flags.warning);
  }
  if (flags.critical !== undefined) {
    given.criticalSeconds = parseDuration(flags.critical, 'critical');
    query.set('critical', flags.critical);
  }
  if (given.warningSeconds !== undefined && given.criticalSeconds !== undefined) checkThresholds(given as Thresholds);
  return query;
}

export function registerCheckUnsynced(program: Command): void {
  const cmd = addClientOptions(
    program
      .command('check-unsynced')
      .description('Nagios/Icinga plugin: alarm on MANAGED devices unsynchronized too long (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN)')
      .option('-w, --warning <duration>', "WARNING when a device is unsynchronized longer than this (default: the daemon's alarms.warning, 30m)")
      .option('-c, --critical <duration>', "CRITICAL when a device is unsynchronized longer than this (default: the daemon's alarms.critical, 1h)")
      .option('-t, --timeout <duration>', 'UNKNOWN when the daemon does not answer within this', DEFAULT_TIMEOUT),
  );
  // Usage errors are UNKNOWN (3) for a plugin, not the CLI's usual 2.
  cmd.exitOverride((err) => {
    if (err.exitCode === 0) throw err;
    process.stdout.write(`${unknownResult(err.message.replace(/^error: /, '')).text}\n`);
    throw new CommanderError(3, err.code, err.message);
  });
  cmd.action(async (flags: CheckFlags) => {
    const result = await checkUnsynced(flags);
    process.stdout.write(`${result.text}\n`);
    process.exitCode = result.exitCode;
  });
}
