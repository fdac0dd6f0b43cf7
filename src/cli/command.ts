import type { Args, CommandUsage } from './args';
import type { ExitCode } from './errors';
import type { Output } from './output';

export interface CommandContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  /** What Ctrl-C should tell the user, e.g. that the workflow keeps running and how to follow it. */
  onInterrupt(note: string): void;
}

/** A command's behaviour; its name and summary live in the command list (commands/index.ts). */
export interface Command {
  usage: CommandUsage;
  /** Commands that handle SIGINT themselves (the worker drains on it) opt out of the CLI's exit-130 handler. */
  ownsSignals?: boolean;
  run(args: Args, ctx: CommandContext): Promise<ExitCode>;
}
