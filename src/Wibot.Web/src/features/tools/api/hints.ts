// The MCP annotations a server gives for its tools, as badges. They are the server's own claims
// (nothing checks them): they inform the admin's choice, they are never WIBOT's level.

export interface HintBadge {
  key: string;
  label: string;
  /** A hint worth a second look (the server says the tool may destroy data). */
  warning: boolean;
}

const HINTS: { key: string; yes: string; no: string; warnWhen?: boolean }[] = [
  { key: 'readOnlyHint', yes: 'lecture seule', no: 'modifie des données' },
  { key: 'destructiveHint', yes: 'destructif', no: 'non destructif', warnWhen: true },
  { key: 'idempotentHint', yes: 'idempotent', no: 'non idempotent' },
  { key: 'openWorldHint', yes: 'systèmes externes', no: 'périmètre fermé' },
];

export const HINT_SUFFIX = '(indice du serveur)';

/** Badges for the hints the server states explicitly (an absent or non-boolean hint says nothing). */
export function hintBadges(annotations: Record<string, unknown> | null | undefined): HintBadge[] {
  if (!annotations || typeof annotations !== 'object') return [];
  return HINTS.flatMap(({ key, yes, no, warnWhen }) => {
    const value = annotations[key];
    if (typeof value !== 'boolean') return [];
    return [{ key, label: `${value ? yes : no} ${HINT_SUFFIX}`, warning: warnWhen === value }];
  });
}
