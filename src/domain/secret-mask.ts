/**
 * Masks each of `secrets` wherever it appears in a text, as `[redacted]`. Longest first: a secret that holds another
 * whole (a header value around a key) is masked entire, not left with its rest showing around the mark.
 */
export function secretMasker(secrets: readonly (string | undefined)[]): (text: string) => string {
  const known = [...new Set(secrets.filter((s): s is string => s !== undefined && s !== ''))].sort(
    (a, b) => b.length - a.length,
  );
  return (text) => known.reduce((masked, secret) => masked.split(secret).join('[redacted]'), text);
}
