import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = resolve(__dirname, '../../src');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
const folderOf = (file: string) => relative(src, file).split('/')[0]!;

/** Every import (type-only included) from one src/ folder into another, as "from → to". */
function folderImports(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files(src)) {
    const from = folderOf(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']*)'/g)) {
      const target = resolve(dirname(file), spec!);
      const to = relative(src, target).startsWith('..') ? `outside:${relative(src, target)}` : folderOf(target);
      if (to !== from) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

function cycle(graph: Map<string, Set<string>>): string[] | undefined {
  const done = new Set<string>();
  const visit = (node: string, path: string[]): string[] | undefined => {
    if (path.includes(node)) return [...path.slice(path.indexOf(node)), node];
    if (done.has(node)) return undefined;
    for (const next of graph.get(node) ?? []) {
      const found = visit(next, [...path, node]);
      if (found) return found;
    }
    done.add(node);
    return undefined;
  };
  for (const node of graph.keys()) {
    const found = visit(node, []);
    if (found) return found;
  }
  return undefined;
}

describe('src/ folder dependencies', () => {
  const graph = folderImports();

  it('form no cycle, counting type-only imports', () => {
    expect(cycle(graph)).toBeUndefined();
  });

  it('keep the workflow-safe core to itself: contract imports nothing, domain only contract', () => {
    expect([...(graph.get('contract') ?? [])]).toEqual([]);
    expect([...(graph.get('domain') ?? [])]).toEqual(['contract']);
  });

  it('let workflows import only contract, domain and (as types) activities', () => {
    expect([...(graph.get('workflows') ?? [])].sort()).toEqual(['activities', 'contract', 'domain']);
  });

  it('never reach outside src/ (dev tooling, tests)', () => {
    const outside = [...graph.values()].flatMap((targets) => [...targets].filter((t) => t.startsWith('outside:')));
    expect(outside).toEqual([]);
  });
});
