/**
 * The `netsync` command. Each subcommand lives in commands/ and only wires options to a service or the API.
 * A command's module (and what it imports: the daemon, the lab, the renderer ...) is loaded only when that
 * command runs, so `netsync --version` or `netsync status` start in a blink.
 */
import { Command, CommanderError } from 'commander';
import { exitCodeOf } from '../model/errorCodes.ts';
import { isNetsyncError } from '../model/errors.ts';
import { VERSION } from '../version.ts';

type Register = (program: Command) => void;

/** Top-level command name -> the module that registers it, in the order `--help` lists them. */
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./commands/serve.ts')).registerServe,
  status: async () => (await import('./commands/status.ts')).registerStatus,
  devices: async () => (await import('./commands/devices.ts')).registerDevices,
  impact: async () => (await import('./commands/impact.ts')).registerImpact,
  render: async () => (await import('./commands/render.ts')).registerRender,
  inventory: async () => (await import('./commands/inventory.ts')).registerInventory,
  lab: async () => (await import('./commands/lab.ts')).registerLab,
  sync: async () => (await import('./commands/sync.ts')).registerSync,
  quickstart: async () => (await import('./commands/quickstart.ts')).registerQuickstart,
  'check-unsynced': async () => (await import('./commands/checkUnsynced.ts')).registerCheckUnsynced,
  commit: async () => (await import('./commands/commit.ts')).registerCommit,
  repos: async () => (await import('./commands/repos.ts')).registerRepos,
  history: async () => (await import('./commands/history.ts')).registerHistory,
  jobs: async () => (await import('./commands/jobs.ts')).registerJobs,
  transactions: async () => (await import('./commands/transactions.ts')).registerTransactions,
  store: async () => (await import('./commands/store.ts')).registerStore,
};

export const COMMAND_NAMES = Object.keys(COMMANDS);

/**
 * The program with the commands `argv` can reach: only the named one when the first argument names a command,
 * none for a bare `--version`, every one otherwise (help, or an unknown command whose error lists them).
 */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('netsync')
    .description('GitOps daemon for network device configuration')
    .version(VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // Before the subcommands are added, so that they inherit it: their usage errors exit 2 too, not commander's 1.
    .exitOverride();
  const args = argv.slice(2);
  const first = args[0];
  const names =
    first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : args.length === 1 && (first === '--version' || first === '-V') ? [] : COMMAND_NAMES;
  const registers = await Promise.all(names.map((name) => COMMANDS[name]!()));
  for (const register of registers) register(program);
  return program;
}

/** Exit codes: 0 ok, 1 the operation failed, 2 bad usage or input (from the error registry's exitCodeOf). */
export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
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
