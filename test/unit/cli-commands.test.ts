// The index loads command modules with require, as the CLI does (compiled, or from source under tsx).
import 'tsx/cjs';
import { describe, expect, it } from 'vitest';
import { commandHelp } from '../../src/cli/args';
import { commands } from '../../src/cli/commands';

describe('scene-video commands', () => {
  it('each command owns its name: the index maps exactly that name to it', () => {
    const names = Object.keys(commands);
    expect(names).toEqual([
      'generate',
      'project',
      'status',
      'cancel',
      'url',
      'cost',
      'report',
      'history export',
      'rank',
      'providers',
      'gates',
      'schema',
      'setup',
      'worker',
      'health',
      'webhooks',
    ]);
    for (const name of names) expect(commands[name]!().name).toBe(name);
  });

  it("a command's help comes from its own summary and usage", () => {
    const rank = commands.rank!();
    const help = commandHelp(rank);
    expect(help.split('\n').slice(0, 3)).toEqual([rank.summary, '', 'Usage: scene-video rank [options]']);
    expect(help).toMatch(/^ {2}--scene-type <type>\s+Scene type/m);
    expect(help).toMatch(/^ {2}--json\s+Print exactly one JSON document on stdout \(messages go to stderr\)$/m);
  });

  it("the worker's help tells how to get JSON log lines", () => {
    expect(commandHelp(commands.worker!())).toMatch(
      /^LOG_FORMAT=json writes each log line as one JSON object on stdout/m,
    );
  });
});
