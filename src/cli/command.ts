import type { Args, CommandSpec } from './args';
import type { ExitCode } from './errors';
import type { Output } from './output';

export interface CommandContext {
  out: Output;
  env: NodeJS.ProcessEnv;
  /** What Ctrl-C should tell the user, e.g. that the workflow keeps running and how to follow it. */
  onInterrupt(note: string): void;
}

/** One `scene-video` command: its name, summary and usage (what help shows and the parser accepts), and its run. */
export interface Command extends CommandSpec {
  /** Commands that handle SIGINT themselves (the worker drains on it) opt out of the CLI's exit-130 handler. */
  ownsSignals?: boolean;
  run(args: Args, ctx: CommandContext): Promise<ExitCode>;
}
