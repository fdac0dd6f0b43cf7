/** Every figure the CLI prints carries its unit; table cells leave it to the column header. */

/** Four decimals: catalogue prices are fractions of a cent per second. */
export function usdAmount(usd: number): string {
  return usd.toFixed(4);
}

export function usd(usd: number): string {
  return `${usdAmount(usd)} USD`;
}

export function secondsAmount(ms: number): string {
  return (ms / 1000).toFixed(1);
}

export function seconds(ms: number): string {
  return `${secondsAmount(ms)} s`;
}

/** A 0–1 fraction as a whole percentage. */
export function percentAmount(fraction: number): string {
  return String(Math.round(Math.min(1, Math.max(0, fraction)) * 100));
}

export function percent(fraction: number): string {
  return `${percentAmount(fraction)}%`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

/** Milliseconds between two instants, `to` defaulting to now. */
export function elapsedMs(from: Date | string, to?: Date | string): number {
  return (to === undefined ? Date.now() : new Date(to).getTime()) - new Date(from).getTime();
}

/** A local wall-clock time for tables, ISO in JSON. */
export function clock(at: Date | string): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour12: false });
}
