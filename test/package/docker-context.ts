import {
  chmodSync,
  copyFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs';
import { dirname, join, posix } from 'node:path';

/**
 * Docker's build-context rules (`.dockerignore`), as BuildKit applies them (moby/patternmatcher): a pattern is a
 * path relative to the context, `*` and `?` never cross a `/`, `**` spans any number of directories, `!` re-includes,
 * and the last pattern that matches a path, or any directory above it, decides (`MatchesOrParentMatches`).
 * Character classes (`[...]`) are not supported here: a file using one is refused rather than matched differently.
 */
export interface IgnoreRule {
  /** As cleaned by Docker: no leading `/` or `./`, no trailing `/`. */
  pattern: string;
  exclusion: boolean;
  regex: RegExp;
}

export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#')) continue;
    let pattern = line.trim();
    if (pattern === '') continue;
    const exclusion = pattern.startsWith('!');
    if (exclusion) pattern = pattern.slice(1).trim();
    if (pattern === '') continue;
    pattern = posix.normalize(pattern).replace(/\/+$/, '');
    if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    if (pattern === '.' || pattern === '') pattern = '.';
    rules.push({ pattern, exclusion, regex: compile(pattern) });
  }
  return rules;
}

function compile(pattern: string): RegExp {
  if (pattern.includes('[')) {
    throw new Error(`.dockerignore pattern "${pattern}": character classes are not supported by this matcher`);
  }
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        // `**` at the end takes everything below; elsewhere any number of directories, none included.
        re += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else {
        re += '[^/]*';
      }
    } else if (ch === '?') {
      re += '[^/]';
    } else if (ch === '\\' && i + 1 < pattern.length) {
      re += escapeRegex(pattern[++i]!);
    } else {
      re += escapeRegex(ch);
    }
  }
  return new RegExp(`^${re}$`);
}

function escapeRegex(ch: string): string {
  return /[.+^${}()|[\]\\/-]/.test(ch) ? `\\${ch}` : ch;
}

/** True when the context leaves `path` (relative, with `/`) out. */
export function isIgnored(rules: IgnoreRule[], path: string): boolean {
  const parents = posix.dirname(path) === '.' ? [] : posix.dirname(path).split('/');
  // MatchesOrParentMatches: the path itself, or any directory above it.
  const candidates = [path, ...parents.map((_, i) => parents.slice(0, i + 1).join('/'))];
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((c) => rule.regex.test(c))) ignored = !rule.exclusion;
  }
  return ignored;
}

/**
 * Every file (and symlink) the build context of `root` holds, relative, sorted. Like Docker, it does not descend into
 * an ignored directory unless an exclusion (`!`) pattern names something under it.
 */
export function contextFiles(root: string, rules: IgnoreRule[]): string[] {
  const found: string[] = [];
  const exclusions = rules.filter((r) => r.exclusion);
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      const ignored = isIgnored(rules, rel);
      if (entry.isDirectory()) {
        if (ignored && !exclusions.some((r) => `${r.pattern}/`.startsWith(`${rel}/`))) continue;
        walk(rel);
      } else if (!ignored) {
        found.push(rel);
      }
    }
  };
  walk('');
  return found.sort();
}

/** Copies the build context of `root` (by its .dockerignore) into `dest`, as `COPY . .` would; returns the files. */
export function copyContext(root: string, dest: string): string[] {
  const files = contextFiles(root, parseDockerignore(readFileSync(join(root, '.dockerignore'), 'utf8')));
  for (const file of files) {
    const to = join(dest, file);
    mkdirSync(dirname(to), { recursive: true });
    const from = join(root, file);
    const stat = lstatSync(from);
    if (stat.isSymbolicLink()) {
      symlinkSync(readlinkSync(from), to);
    } else {
      copyFileSync(from, to);
      // COPY keeps the mode, the executable bit included.
      chmodSync(to, stat.mode & 0o7777);
    }
  }
  return files;
}
