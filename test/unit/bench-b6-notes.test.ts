import { describe, expect, it } from 'vitest';
import { backstopLeadNote } from '../../bench/b6-webhook-scale';

describe('B6: what the backstop completions say', () => {
  it('tells checks that closed after the webhook was in history from checks that beat it', () => {
    expect(backstopLeadNote([4_000, 2_000, 6_000, -1_500])).toBe(
      "3 after the webhook's signal was in history (median 4.0 s later); 1 before the webhook's signal (median 1.5 s earlier)",
    );
    expect(backstopLeadNote([-500])).toBe("1 before the webhook's signal (median 0.5 s earlier)");
  });

  it('says nothing when the backstop completed no scene', () => {
    expect(backstopLeadNote([])).toBeUndefined();
    expect(backstopLeadNote(undefined)).toBeUndefined();
  });
});
