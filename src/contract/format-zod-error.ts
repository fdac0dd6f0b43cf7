import type { z } from 'zod';

/** One line per issue, each naming the field, e.g. `durationSec: must be at most 60`. */
export function formatZodError(error: z.ZodError, root = ''): string {
  return error.issues
    .map((issue) => {
      const path = [root, ...issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))]
        .filter(Boolean)
        .join('.')
        .replace(/\.\[/g, '[');
      return `${path || '(input)'}: ${issue.message}`;
    })
    .join('; ');
}
