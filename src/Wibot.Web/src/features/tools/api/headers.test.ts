import { describe, expect, it } from 'vitest';
import { headersFromRows, type HeaderRow } from './headers';

describe('header rows', () => {
  const row = (id: number, name: string, value: string): HeaderRow => ({ id, name, value });

  it('builds the headers object, ignoring fully empty rows', () => {
    expect(headersFromRows([row(1, ' Authorization ', 'Bearer x'), row(2, '', ''), row(3, 'X-Api-Key', 'k')])).toEqual({
      headers: { Authorization: 'Bearer x', 'X-Api-Key': 'k' },
      errors: {},
    });
    expect(headersFromRows([])).toEqual({ headers: {}, errors: {} });
  });

  it('asks for a missing name or value, a valid name, and unique names', () => {
    const { headers, errors } = headersFromRows([row(1, 'X-Key', ''), row(2, '', 'secret'), row(3, 'Mauvais nom', 'v'), row(4, 'a', '1'), row(5, 'A', '2')]);
    expect(headers).toEqual({ a: '1' });
    expect(Object.keys(errors).map(Number)).toEqual([1, 2, 3, 5]);
    expect(errors[1]?.value).toBeTruthy();
    expect(errors[2]?.name).toBeTruthy();
    expect(errors[3]?.name).toContain('invalide');
    expect(errors[5]?.name).toBe('Cet en-tête est déjà saisi.');
  });
});
