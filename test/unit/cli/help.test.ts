/** Every command has --help text, and the CLI guide's table names every top-level command. */
import { expect } from 'chai';
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { buildProgram } from '../../../src/cli/main.ts';

function allCommands(cmd: Command, path: string[] = []): { path: string; cmd: Command }[] {
  return cmd.commands.flatMap((c) => [{ path: [...path, c.name()].join(' '), cmd: c }, ...allCommands(c, [...path, c.name()])]);
}

describe('cli: help text', () => {
  const program = buildProgram();

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
});
