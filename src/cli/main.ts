/** The `netsync` command. Each subcommand lives in commands/ and only wires options to a service or the API. */
import { Command, CommanderError } from 'commander';
import { exitCodeOf } from '../model/errorCodes.ts';
import { isNetsyncError } from '../model/errors.ts';
import { VERSION } from '../version.ts';
import { registerCheckUnsynced } from './commands/checkUnsynced.ts';
import { registerCommit } from './commands/commit.ts';
import { registerDevices } from './commands/devices.ts';
import { registerImpact } from './commands/impact.ts';
import { registerRender } from './commands/render.ts';
import { registerInventory } from './commands/inventory.ts';
import { registerLab } from './commands/lab.ts';
import { registerServe } from './commands/serve.ts';
import { registerQuickstart } from './commands/quickstart.ts';
import { registerStatus } from './commands/status.ts';
import { registerSync } from './commands/sync.ts';

export function buildProgram(): Command {
  const program = new Command('netsync')
    .description('GitOps daemon for network device configuration')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // Before the subcommands are added, so that they inherit it: their usage errors exit 2 too, not commander's 1.
    .exitOverride();
  registerServe(program);
  registerStatus(program);
  registerDevices(program);
  registerImpact(program);
  registerRender(program);
  registerInventory(program);
  registerLab(program);
  registerSync(program);
  registerQuickstart(program);
  registerCheckUnsynced(program);
  registerCommit(program);
  return program;
}

/** Exit codes: 0 ok, 1 the operation failed, 2 bad usage or input (from the error registry's exitCodeOf). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    // 3: a Monitoring Plugin's usage error is UNKNOWN (check-unsynced).
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : err.exitCode === 3 ? 3 : 2;
    if (isNetsyncError(err)) {
      process.stderr.write(`netsync: ${err.message} [${err.code}]\n`);
      return exitCodeOf(err.code);
    }
    process.stderr.write(`netsync: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
