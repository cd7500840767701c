import { Button, Fieldset, Group, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { newHeaderRow, type HeaderRow, type HeaderRowErrors } from '../api/headers';

interface HeadersEditorProps {
  rows: HeaderRow[];
  onChange: (rows: HeaderRow[]) => void;
  errors: Record<number, HeaderRowErrors>;
  /** The server's own message about the headers (a 400), shown under the rows. */
  serverError?: string | undefined;
  legend?: string;
  disabled?: boolean;
}

/**
 * Name/value pairs sent as HTTP headers to the tool server (an API key, a bearer token…). Values
 * are typed like passwords: WIBOT stores them encrypted and never shows them again.
 */
export function HeadersEditor({ rows, onChange, errors, serverError, legend = 'En-têtes HTTP (optionnel)', disabled = false }: HeadersEditorProps) {
  const update = (id: number, patch: Partial<HeaderRow>) => onChange(rows.map((row) => (row.id === id ? { ...row, ...patch } : row)));

  return (
    <Fieldset legend={legend} variant="filled" disabled={disabled}>
      <Stack gap="xs">
        <Text size="sm" c="dimmed">
          Pour l'authentification auprès du serveur (ex. <code>Authorization</code>, <code>X-Api-Key</code>). Les valeurs sont
          enregistrées chiffrées et ne seront plus jamais affichées : seuls les noms restent visibles.
        </Text>
        {rows.length === 0 && (
          <Text size="sm" fs="italic">
            Aucun en-tête.
          </Text>
        )}
        {rows.map((row, index) => {
          const n = index + 1;
          return (
            <Group key={row.id} align="flex-start" gap="xs" wrap="wrap" data-testid="header-row">
              <TextInput
                label={`Nom de l'en-tête ${n}`}
                name={`header-name-${n}`}
                autoComplete="off"
                spellCheck={false}
                placeholder="Authorization"
                value={row.name}
                onChange={(e) => update(row.id, { name: e.currentTarget.value })}
                error={errors[row.id]?.name}
                style={{ flex: '1 1 180px' }}
              />
              <PasswordInput
                label={`Valeur de l'en-tête ${n}`}
                name={`header-value-${n}`}
                autoComplete="new-password"
                placeholder="Valeur secrète"
                value={row.value}
                onChange={(e) => update(row.id, { value: e.currentTarget.value })}
                error={errors[row.id]?.value}
                visibilityToggleButtonProps={{ 'aria-label': `Afficher ou masquer la valeur de l'en-tête ${n}` }}
                style={{ flex: '2 1 220px' }}
              />
              <Button
                variant="subtle"
                color="red"
                mt={25}
                onClick={() => onChange(rows.filter((r) => r.id !== row.id))}
                aria-label={`Retirer l'en-tête ${n}${row.name.trim() ? ` (${row.name.trim()})` : ''}`}
              >
                Retirer
              </Button>
            </Group>
          );
        })}
        {serverError && (
          <Text size="sm" c="red" role="alert">
            {serverError}
          </Text>
        )}
        <Group>
          <Button variant="default" size="compact-sm" onClick={() => onChange([...rows, newHeaderRow()])}>
            Ajouter un en-tête
          </Button>
        </Group>
      </Stack>
    </Fieldset>
  );
}
