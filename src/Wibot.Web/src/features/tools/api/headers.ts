// The header rows of the server forms: name/value pairs typed by the admin, checked before sending.

export interface HeaderRow {
  id: number;
  name: string;
  value: string;
}

export interface HeaderRowErrors {
  name?: string;
  value?: string;
}

let nextId = 1;

export function newHeaderRow(name = ''): HeaderRow {
  return { id: nextId++, name, value: '' };
}

/** HTTP header names are tokens (RFC 9110). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The headers object to send, or the errors of each row. A row left fully empty is ignored; a name
 * needs a value and a value a name; names are unique (case ignored, as HTTP does).
 */
export function headersFromRows(rows: HeaderRow[]): { headers: Record<string, string>; errors: Record<number, HeaderRowErrors> } {
  const headers: Record<string, string> = {};
  const errors: Record<number, HeaderRowErrors> = {};
  const seen = new Set<string>();
  for (const row of rows) {
    const name = row.name.trim();
    if (!name && !row.value) continue;
    const rowErrors: HeaderRowErrors = {};
    if (!name) rowErrors.name = "Indiquez le nom de l'en-tête.";
    else if (!TOKEN.test(name)) rowErrors.name = 'Nom invalide : lettres, chiffres et - _ . sans espace.';
    else if (seen.has(name.toLowerCase())) rowErrors.name = 'Cet en-tête est déjà saisi.';
    if (!row.value) rowErrors.value = "Indiquez la valeur de l'en-tête.";
    if (rowErrors.name || rowErrors.value) errors[row.id] = rowErrors;
    else headers[name] = row.value;
    if (name) seen.add(name.toLowerCase());
  }
  return { headers, errors };
}
