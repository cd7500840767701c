import { describe, expect, it } from 'vitest';
import { decisionBlockReason, levelNumber } from './decision';
import { backoffDelay, parseLiveEvent } from './live';

describe('decisionBlockReason', () => {
  it('allows when the server says so', () => {
    expect(decisionBlockReason({ can_decide: true, level: 'L4' }, 'N1')).toBeNull();
  });
  it('explains an insufficient accreditation', () => {
    expect(decisionBlockReason({ can_decide: false, level: 'L3' }, 'N2')).toBe('Accréditation insuffisante pour une action L3');
  });
  it('explains a request made on the user behalf', () => {
    expect(decisionBlockReason({ can_decide: false, level: 'L2' }, 'N4')).toBe('Demande faite en votre nom');
  });
  it('reads level numbers', () => {
    expect(levelNumber('N3')).toBe(3);
    expect(levelNumber(null)).toBe(0);
  });
});

describe('live events', () => {
  it('backs off exponentially up to 30 s', () => {
    expect([0, 1, 2, 3, 10].map(backoffDelay)).toEqual([1000, 2000, 4000, 8000, 30000]);
  });
  it('parses known events only', () => {
    expect(parseLiveEvent('decided', '{"request_id":"APR-1","status":"approved"}')).toEqual({
      kind: 'decided',
      request_id: 'APR-1',
      status: 'approved',
    });
    expect(parseLiveEvent('created', 'oops')).toEqual({ kind: 'created', request_id: null, status: null });
    expect(parseLiveEvent('message', '{}')).toBeNull();
  });
});
