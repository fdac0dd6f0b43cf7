const origin = Date.now();

/** One line per step on stderr, stamped with the seconds since the run began, so a long run shows where it is. */
export function step(line: string): void {
  process.stderr.write(`[${((Date.now() - origin) / 1000).toFixed(1).padStart(7)} s] ${line}\n`);
}

/** Seconds since the run began. */
export function elapsedSeconds(): number {
  return (Date.now() - origin) / 1000;
}
