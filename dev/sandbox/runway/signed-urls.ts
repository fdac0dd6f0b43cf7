import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * JWT-style `_jwt` tokens for output URLs, like Runway's signed CloudFront links, valid for one file only and for
 * `lifetimeMs` (Runway's "expire within 24-48 hours"; a re-GET of the task hands out fresh URLs).
 */
export class UrlSigner {
  private readonly secret = randomBytes(32);

  sign(fileId: string, lifetimeMs: number): string {
    const header = encode({ alg: 'HS256', typ: 'JWT' });
    // A fractional NumericDate (RFC 7519 allows one): lifetimes of a second or two stay exact in tests.
    const payload = encode({ sub: fileId, exp: (Date.now() + lifetimeMs) / 1000 });
    return `${header}.${payload}.${this.mac(`${header}.${payload}`).toString('base64url')}`;
  }

  verify(token: string | null, fileId: string): boolean {
    const [header, payload, signature, ...rest] = (token ?? '').split('.');
    if (!header || !payload || !signature || rest.length) return false;
    // Compared as text: base64url decoding ignores the spare bits of the last character, so a tampered one would pass.
    const expected = Buffer.from(this.mac(`${header}.${payload}`).toString('base64url'));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown; exp?: unknown };
    return claims.sub === fileId && typeof claims.exp === 'number' && claims.exp * 1000 > Date.now();
  }

  private mac(data: string): Buffer {
    return createHmac('sha256', this.secret).update(data).digest();
  }
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
