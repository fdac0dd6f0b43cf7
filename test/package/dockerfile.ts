/**
 * Just enough of a Dockerfile reader for this repository's Dockerfile, so the tests run its steps without a container
 * and check its settings against the code: instructions joined across `\` continuations, comments dropped, build
 * arguments substituted (`${NAME}` only), exec forms (JSON arrays) parsed. Anything it does not understand it refuses.
 */
export interface Instruction {
  keyword: string;
  /** The rest of the instruction, continuations joined. */
  args: string;
}

export interface Stage {
  name: string | undefined;
  from: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** Global ARG defaults (before the first FROM). */
  args: Record<string, string>;
  stages: Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#')) continue; // comments, parser directives and comment lines inside continuations
    if (pending === '' && line === '') continue;
    const continued = line.endsWith('\\');
    pending += `${continued ? line.slice(0, -1).trimEnd() : line} `;
    if (continued) continue;
    const match = /^(\S+)\s*(.*)$/.exec(pending.trim());
    pending = '';
    if (match) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!.trim() });
  }
  if (pending !== '') throw new Error('Dockerfile ends inside a line continuation');

  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name, ...rest] = substitute(instruction.args, args).split(/\s+/);
      if (!image || (as !== undefined && (as.toUpperCase() !== 'AS' || !name)) || rest.length > 0) {
        throw new Error(`FROM ${instruction.args}: expected FROM <image> [AS <name>]`);
      }
      stages.push({ name, from: image, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword !== 'ARG') throw new Error(`${instruction.keyword} before the first FROM`);
      const [name, value] = splitAssignment(instruction.args);
      args[name] = value ?? '';
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { args, stages };
}

function splitAssignment(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** `${NAME}` replaced by its value; a reference without a value is an error, not an empty string. */
export function substitute(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`\${${name}} has no value`);
    return value;
  });
}

export function stage(dockerfile: Dockerfile, name: string): Stage {
  const found = dockerfile.stages.find((s) => s.name === name);
  if (!found) throw new Error(`no stage "${name}" in the Dockerfile`);
  return found;
}

export function all(s: Stage, keyword: string): Instruction[] {
  return s.instructions.filter((i) => i.keyword === keyword);
}

/** The one instruction of that kind (the last one, as Docker uses for CMD, ENTRYPOINT, USER, HEALTHCHECK). */
export function last(s: Stage, keyword: string): Instruction {
  const found = all(s, keyword).at(-1);
  if (!found) throw new Error(`stage ${s.name ?? '(unnamed)'} has no ${keyword}`);
  return found;
}

/** Leading `--name=value` flags, and the rest. */
export function flags(args: string): { flags: Record<string, string>; rest: string } {
  const found: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([a-z-]+)=(\S+)\s*/.exec(rest); m; m = /^--([a-z-]+)=(\S+)\s*/.exec(rest)) {
    found[m[1]!] = m[2]!;
    rest = rest.slice(m[0].length);
  }
  return { flags: found, rest };
}

/** An exec form, `["node", "bin/scene-video.js"]`; the shell form is refused. */
export function execForm(args: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    throw new Error(`not an exec form (a JSON array of strings): ${args}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`not an exec form (a JSON array of strings): ${args}`);
  }
  return parsed;
}

/** `KEY=value KEY2=value2`, values without spaces or in double quotes; the legacy `ENV KEY value` form is refused. */
export function keyValues(args: string, values: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const pair = /^([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|\S*)\s*/;
  let rest = args.trim();
  while (rest !== '') {
    const m = pair.exec(rest);
    if (!m) throw new Error(`expected KEY=value pairs: ${args}`);
    const value = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
    out[m[1]!] = substitute(value, values);
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** A stage's ARG defaults (global ones it redeclares included), for substitution in its later instructions. */
export function stageArgs(dockerfile: Dockerfile, s: Stage): Record<string, string> {
  const values: Record<string, string> = {};
  for (const arg of all(s, 'ARG')) {
    const [name, value] = splitAssignment(arg.args);
    const v = value ?? dockerfile.args[name];
    if (v !== undefined) values[name] = v;
  }
  return values;
}

/** `COPY --from=<stage> /app/x ./x` instructions as the paths they copy, each to the same path under WORKDIR. */
export function copiesFrom(s: Stage, from: string, sourceDir: string): string[] {
  return all(s, 'COPY')
    .map((i) => flags(i.args))
    .filter((c) => c.flags.from === from)
    .map(({ rest }) => {
      const parts = rest.split(/\s+/);
      const [source, dest] = parts;
      const path = source?.startsWith(`${sourceDir}/`) ? source.slice(sourceDir.length + 1) : undefined;
      if (parts.length !== 2 || !path || dest !== `./${path}`) {
        throw new Error(`COPY --from=${from} ${rest}: expected one ${sourceDir}/<path> copied to ./<path>`);
      }
      return path;
    });
}
