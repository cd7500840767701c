import { describe, expect, it } from 'vitest';
import { hintBadges } from './hints';

describe('server hints', () => {
  it('shows only the hints the server states, as its claims', () => {
    expect(hintBadges(null)).toEqual([]);
    expect(hintBadges({ title: 'Lister', readOnlyHint: 'yes' })).toEqual([]);
    expect(hintBadges({ readOnlyHint: true, openWorldHint: false })).toEqual([
      { key: 'readOnlyHint', label: 'lecture seule (indice du serveur)', warning: false },
      { key: 'openWorldHint', label: 'périmètre fermé (indice du serveur)', warning: false },
    ]);
    expect(hintBadges({ destructiveHint: true })[0]).toEqual({ key: 'destructiveHint', label: 'destructif (indice du serveur)', warning: true });
    expect(hintBadges({ destructiveHint: false })[0]?.warning).toBe(false);
  });
});
