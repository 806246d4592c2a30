/** Every command has --help text, and the CLI guide's table names every top-level command. */
import { expect } from 'chai';
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { buildProgram, COMMAND_NAMES } from '../../../src/cli/main.ts';

function allCommands(cmd: Command, path: string[] = []): { path: string; cmd: Command }[] {
  return cmd.commands.flatMap((c) => [{ path: [...path, c.name()].join(' '), cmd: c }, ...allCommands(c, [...path, c.name()])]);
}

describe('cli: help text', () => {
  let program: Command;
  before(async () => {
    program = await buildProgram(['node', 'netsync', '--help']);
  });

  it('describes every command and every option', () => {
    const commands = allCommands(program);
    expect(commands.length).to.be.greaterThan(10);
    for (const { path, cmd } of commands) {
      expect(cmd.description(), path).to.not.equal('');
      for (const o of cmd.options) expect(o.description, `${path} ${o.flags}`).to.not.equal('');
      expect(cmd.helpInformation(), path).to.contain(`Usage: netsync ${path}`);
    }
  });

  it('lists every top-level command in the CLI guide (docs/guides/cli.md)', async () => {
    const section = await readFile(new URL('../../../docs/guides/cli.md', import.meta.url), 'utf8');
    for (const cmd of program.commands) expect(section, cmd.name()).to.contain(`\`${cmd.name()}`);
  });

  it('loads only the command it runs (the others stay unloaded), every one for help', async () => {
    expect(program.commands.map((c) => c.name())).to.deep.equal(COMMAND_NAMES);
    expect((await buildProgram(['node', 'netsync', 'status', '--json'])).commands.map((c) => c.name())).to.deep.equal(['status']);
    expect((await buildProgram(['node', 'netsync', '--version'])).commands).to.deep.equal([]);
    expect((await buildProgram(['node', 'netsync', 'no-such-command'])).commands.map((c) => c.name())).to.deep.equal(COMMAND_NAMES);
  });
});
