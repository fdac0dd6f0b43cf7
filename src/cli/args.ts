import { parseArgs } from 'node:util';
import { UsageError } from './errors';

export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** The value's placeholder in help, e.g. `<seconds>`. */
  value?: string;
  /** Tuning and test knobs stay out of the help text. */
  hidden?: boolean;
}

export interface PositionalSpec {
  name: string;
  description: string;
}

/** What a command accepts; the parser and the help text are both derived from it. */
export interface CommandUsage {
  /** Extra help paragraphs: behaviour, exit codes, where the output goes. */
  details?: string[];
  positionals: PositionalSpec[];
  options: Record<string, OptionSpec>;
  examples?: string[];
  /** The command writes a log rather than one answer (the worker), so it has no `--json`. */
  noJson?: true;
}

/** What `scene-video --help` lists for a command, and what its own help and errors name it by. */
export interface CommandSpec {
  /** One word, or `group sub` (e.g. `history export`). */
  name: string;
  summary: string;
  usage: CommandUsage;
}

const jsonOption: OptionSpec = {
  type: 'boolean',
  description: 'Print exactly one JSON document on stdout (messages go to stderr)',
};
const helpOption: OptionSpec = { type: 'boolean', description: 'Show this help' };

/** The command's own options plus the ones every command has. */
function allOptions(usage: CommandUsage): Record<string, OptionSpec> {
  return { ...usage.options, ...(usage.noJson ? {} : { json: jsonOption }), help: helpOption };
}

/** Typed access to one command's parsed flags; every accessor names the flag in its error. */
export class Args {
  constructor(
    private readonly spec: CommandSpec,
    private readonly values: Record<string, string | boolean | undefined>,
    private readonly positionals: string[],
  ) {}

  flag(name: string): boolean {
    return this.values[name] === true;
  }

  string(name: string): string | undefined {
    const v = this.values[name];
    return typeof v === 'string' ? v : undefined;
  }

  required(name: string): string {
    const v = this.string(name);
    if (v === undefined || v.trim() === '') throw this.usage(`--${name} is required`);
    return v;
  }

  /** A finite number; `what` completes "must be …" (e.g. "a number of seconds"). */
  number(name: string, what: string): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw this.usage(`--${name} must be ${what}, got "${v}"`);
    return n;
  }

  requiredNumber(name: string, what: string): number {
    this.required(name);
    return this.number(name, what)!;
  }

  /** A comma-separated list, blanks dropped. */
  list(name: string): string[] | undefined {
    const v = this.string(name);
    return v === undefined
      ? undefined
      : v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  }

  positional(index: number): string {
    const p = this.spec.usage.positionals[index];
    const v = this.positionals[index];
    if (p === undefined || v === undefined) throw this.usage(`missing <${p?.name ?? 'argument'}>`);
    return v;
  }

  usage(message: string): UsageError {
    return new UsageError(message, `See \`scene-video ${this.spec.name} --help\`.`);
  }
}

export function parseCommandArgs(spec: CommandSpec, argv: string[]): Args {
  const { positionals } = spec.usage;
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(allOptions(spec.usage)).map(([name, o]) => [name, { type: o.type }])),
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new UsageError((err as Error).message, `See \`scene-video ${spec.name} --help\`.`);
  }
  const args = new Args(spec, parsed.values, parsed.positionals);
  if (!args.flag('help')) {
    if (parsed.positionals.length > positionals.length) {
      throw args.usage(`unexpected argument "${parsed.positionals[positionals.length]}"`);
    }
    positionals.forEach((_, i) => args.positional(i));
  }
  return args;
}

export function commandHelp({ name, summary, usage }: CommandSpec): string {
  const visible = Object.entries(allOptions(usage)).filter(([, o]) => !o.hidden);
  const synopsis = [`scene-video ${name}`, ...usage.positionals.map((p) => `<${p.name}>`), '[options]'].join(' ');
  const flag = ([option, o]: [string, OptionSpec]) =>
    `--${option}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`;
  const width = Math.max(...visible.map((o) => flag(o).length), ...usage.positionals.map((p) => p.name.length + 2));
  const lines = [summary, '', `Usage: ${synopsis}`, ''];
  if (usage.positionals.length > 0) {
    lines.push('Arguments:', ...usage.positionals.map((p) => `  ${`<${p.name}>`.padEnd(width)}  ${p.description}`), '');
  }
  lines.push('Options:', ...visible.map((o) => `  ${flag(o).padEnd(width)}  ${o[1].description}`));
  if (usage.details?.length) lines.push('', ...usage.details);
  if (usage.examples?.length) lines.push('', 'Examples:', ...usage.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}
