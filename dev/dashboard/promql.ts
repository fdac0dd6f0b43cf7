/**
 * Just enough PromQL reading to check a dashboard's queries against the metric catalogue: which series each query
 * selects with which label matchers, and which labels it groups by. It reads the queries this repository writes
 * (aggregations, functions, binary operators, ranges), not the whole language.
 */

export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface SeriesSelector {
  /** The series name as selected, e.g. `scene_video_render_seconds_bucket`. */
  name: string;
  matchers: LabelMatcher[];
}

export interface QueryNames {
  selectors: SeriesSelector[];
  /** Labels named in `by (…)`, `without (…)`, `on (…)`, `ignoring (…)` and `group_left/right (…)`. */
  groupingLabels: string[];
}

const keywords = new Set(['and', 'or', 'unless', 'offset', 'bool', 'group_left', 'group_right', 'inf', 'nan']);
const groupingClause = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;
const selector = /(?<![\w:])([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?/g;
const matcher = /(\w+)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;

export function queryNames(expr: string): QueryNames {
  const groupingLabels: string[] = [];
  // Variables ($__range) stand for durations; grouping clauses hold labels, not series.
  let rest = expr.replace(/\$\{?\w+\}?/g, '1m').replace(groupingClause, (_, labels: string) => {
    groupingLabels.push(
      ...labels
        .split(',')
        .map((l) => l.trim())
        .filter(Boolean),
    );
    return ' ';
  });
  rest = rest.replace(/\[[^\]]*\]/g, ' ');
  const selectors: SeriesSelector[] = [];
  for (const m of rest.matchAll(selector)) {
    const [whole, name, braces] = m;
    const after = rest.slice(m.index + whole.length);
    // A name followed by `(` is a function or an aggregation; a bare keyword is an operator.
    if (/^\s*\(/.test(after) || (braces === undefined && keywords.has(name!.toLowerCase()))) continue;
    const matchers = [...(braces ?? '').matchAll(matcher)].map(([, label, op, value]) => ({
      label: label!,
      op: op as LabelMatcher['op'],
      value: value!,
    }));
    selectors.push({ name: name!, matchers });
  }
  return { selectors, groupingLabels };
}
