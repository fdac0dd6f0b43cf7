import type { CliError } from './errors';

type Paint = (s: string) => string;

export interface Palette {
  bold: Paint;
  dim: Paint;
  green: Paint;
  red: Paint;
  yellow: Paint;
}

const sgr =
  (open: number, close: number): Paint =>
  (s) =>
    `\x1b[${open}m${s}\x1b[${close}m`;
const colours: Palette = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  green: sgr(32, 39),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
};
const plain: Palette = { bold: String, dim: String, green: String, red: String, yellow: String };

function paletteFor(stream: NodeJS.WriteStream): Palette {
  return stream.isTTY && !process.env.NO_COLOR ? colours : plain;
}

/**
 * Where everything a command says goes. With `--json` stdout carries exactly one JSON document and all human text
 * moves to stderr, so `scene-video … --json | jq` always works. Colour only on a terminal, and never with NO_COLOR.
 */
export class Output {
  readonly paint: Palette;
  /** The stream for human text and live progress. */
  readonly human: NodeJS.WriteStream;
  private readonly errorPaint: Palette;
  private documented = false;

  constructor(readonly json: boolean) {
    this.human = json ? process.stderr : process.stdout;
    this.paint = paletteFor(this.human);
    this.errorPaint = paletteFor(process.stderr);
  }

  /** True when the human stream is a terminal, so a live view may move the cursor. */
  get live(): boolean {
    return this.human.isTTY === true;
  }

  text(s: string): void {
    this.human.write(`${s}\n`);
  }

  /** The command's answer: the document with `--json`, the human rendering otherwise. */
  emit(document: unknown, human: () => string): void {
    if (this.json) this.document(document);
    else this.text(human());
  }

  document(value: unknown): void {
    if (this.documented) throw new Error('a command printed two JSON documents');
    this.documented = true;
    process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A warning on stderr, also with `--json` (whose one document stays on stdout). */
  warn(message: string): void {
    process.stderr.write(`${this.errorPaint.yellow('warning:')} ${message}\n`);
  }

  error(err: CliError): void {
    process.stderr.write(`${this.errorPaint.red('error:')} ${err.message}\n${err.hint ? `${err.hint}\n` : ''}`);
    if (this.json && !this.documented) {
      this.document({ error: { code: err.code, exitCode: err.exitCode, message: err.message, hint: err.hint } });
    }
  }
}

// eslint-disable-next-line no-control-regex
const ansi = /\x1b\[[0-9;]*[A-Za-z]/g;

export function stripAnsi(s: string): string {
  return s.replace(ansi, '');
}

export function visibleWidth(s: string): number {
  return [...stripAnsi(s)].length;
}

function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - visibleWidth(s)));
  return align === 'right' ? fill + s : s + fill;
}

export interface Column {
  /** Carries the unit of every figure below it, e.g. `COST (USD)`. */
  header: string;
  align?: 'left' | 'right';
}

/** A plain-text table: a header row and aligned columns, two spaces apart, no trailing blanks. */
export function table(columns: Column[], rows: string[][], indent = ''): string {
  const widths = columns.map((c, i) => Math.max(visibleWidth(c.header), ...rows.map((r) => visibleWidth(r[i] ?? ''))));
  const line = (cells: string[]) =>
    indent +
    columns
      .map((c, i) => pad(cells[i] ?? '', widths[i]!, c.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n');
}

/** `Label   value` lines with the labels aligned. */
export function fields(pairs: [string, string][], indent = ''): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`).join('\n');
}
