import { describe, expect, it } from 'vitest';
import { parseSafeguardRequestPath, safeguardRequestPath } from './paths';

describe('safeguard request paths', () => {
  it('builds and reads /safeguard/APR-…', () => {
    expect(safeguardRequestPath('APR-12')).toBe('/safeguard/APR-12');
    expect(parseSafeguardRequestPath('/safeguard/APR-12')).toBe('APR-12');
    expect(parseSafeguardRequestPath('/safeguard/APR-12/')).toBe('APR-12');
    expect(parseSafeguardRequestPath('/safeguard')).toBeNull();
    expect(parseSafeguardRequestPath('/safeguard/a/b')).toBeNull();
    expect(parseSafeguardRequestPath('/safeguard/%E0%A4%A')).toBeNull();
  });
});
