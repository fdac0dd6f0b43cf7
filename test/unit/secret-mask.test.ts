import { describe, expect, it } from 'vitest';
import { secretMasker } from '../../src/domain/secret-mask';

describe('secret masker', () => {
  it('masks every occurrence of every secret', () => {
    const mask = secretMasker(['key-123', undefined, 'pass']);
    expect(mask('key-123 and key-123 with pass')).toBe('[redacted] and [redacted] with [redacted]');
  });

  it('masks a secret that holds another whole, whatever order they come in', () => {
    const text = 'Authorization: Bearer key-123-tail';
    expect(secretMasker(['key-123', 'Bearer key-123-tail'])(text)).toBe('Authorization: [redacted]');
  });

  it('leaves a text without secrets, and ignores empty ones', () => {
    expect(secretMasker(['', undefined])('nothing to hide')).toBe('nothing to hide');
  });
});
