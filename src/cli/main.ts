import { commandHelp, parseCommandArgs } from './args';
import type { Command, CommandContext } from './command';
import { commands } from './commands';
import { CliError, exitCodes, toCliError, UsageError, type ExitCode } from './errors';
import { Output } from './output';

function topHelp(): string {
  const all = Object.values(commands).map((load) => load());
  const width = Math.max(...all.map((c) => c.name.length));
  return [
    'scene-video: turn marketing-video scenes into stored clips with ranked AI video providers, on Temporal.',
    '',
    'Usage: scene-video <command> [arguments] [options]',
    '',
    'Commands:',
    ...all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --help, and --json for exactly one JSON document on stdout.',
    'Exit codes: 0 ok, 1 workflow failed or operational error, 2 usage or invalid input (nothing started),',
    '            3 workflow not found, 4 generated but not stored (only an expiring provider URL holds a clip),',
    '            5 `setup` changed nothing and search attributes are still missing, 6 `project` refused: a provider',
    '            balance is below its estimate (nothing started), 130 interrupted.',
    "Connection: as Temporal's SDKs and CLI read it: TEMPORAL_ADDRESS (default localhost:7233), TEMPORAL_NAMESPACE",
    '            (default "default"), TEMPORAL_API_KEY, TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH and _KEY_PATH, over',
    '            the TOML profile TEMPORAL_PROFILE in TEMPORAL_CONFIG_FILE (default ~/.config/temporalio/temporal.toml).',
    '            TEMPORAL_TASK_QUEUE (default scene-video). Start a local server with `temporal server start-dev` (`npm run stack` in a clone).',
    'Traces:     OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) exports a span per Temporal call',
    "            over OTLP/HTTP, joined by the worker's spans of the same run; service OTEL_SERVICE_NAME (scene-video-client).",
  ].join('\n');
}

/** Finds the command whose (possibly two-word) name starts argv; returns it with the remaining arguments. */
function findCommand(argv: string[]): { command: Command; rest: string[] } {
  const names = Object.keys(commands);
  for (const name of names) {
    const words = name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command: commands[name]!(), rest: argv.slice(words.length) };
  }
  const group = names.filter((name) => name.startsWith(`${argv[0]} `));
  if (group.length > 0) {
    throw new UsageError(
      argv[1] && !argv[1].startsWith('-')
        ? `unknown command "${argv[0]} ${argv[1]}" (try: ${group.join(', ')})`
        : `"${argv[0]}" needs a subcommand: ${group.join(', ')}`,
    );
  }
  throw new UsageError(`unknown command "${argv[0]}"`, 'See `scene-video --help` for the commands.');
}

async function main(argv: string[]): Promise<ExitCode> {
  const out = new Output(argv.includes('--json'));
  try {
    if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      out.text(topHelp());
      return argv.length === 0 ? exitCodes.usage : exitCodes.ok;
    }
    const { command, rest } = findCommand(argv);
    const args = parseCommandArgs(command, rest);
    if (args.flag('help')) {
      out.text(commandHelp(command));
      return exitCodes.ok;
    }
    let interruptNote: string | undefined;
    if (!command.ownsSignals) {
      process.once('SIGINT', () => {
        out.error(new CliError(`interrupted.${interruptNote ? ` ${interruptNote}` : ''}`, exitCodes.interrupted));
        process.exit(exitCodes.interrupted);
      });
    }
    const ctx: CommandContext = { out, env: process.env, onInterrupt: (note) => (interruptNote = note) };
    return await command.run(args, ctx);
  } catch (err) {
    const error = toCliError(err);
    out.error(error);
    return error.exitCode;
  }
}

/** The `scene-video` executable: exit code via process.exitCode so piped output is flushed before exit. */
export function runCli(): void {
  // `scene-video cost | head -1` closes the pipe early; that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? exitCodes.ok);
  });
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

// `npm run cli -- <command>`: the TypeScript source under tsx, in a clone that has not been built.
if (require.main === module) runCli();
