import { Button, Group, Paper, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/Alert';
import { ApiError, type FieldErrors } from '@/lib/api-client';
import { describeError } from '@/lib/errors';
import { headersFromRows, type HeaderRow, type HeaderRowErrors } from '../api/headers';
import { MESSAGES, SERVER_NAME_PATTERN, hasFieldError, isHttpUrl, useRegisterToolServer, type ToolServer } from '../api/tool-servers';
import { HeadersEditor } from './HeadersEditor';

/** The form that registers a tool server; WIBOT connects to it and lists its tools at once. */
export function AddServerForm({ onAdded }: { onAdded: (server: ToolServer) => void }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [rows, setRows] = useState<HeaderRow[]>([]);
  const [rowErrors, setRowErrors] = useState<Record<number, HeaderRowErrors>>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [nameError, setNameError] = useState<string | null>(null);
  const [urlError, setUrlError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const register = useRegisterToolServer();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setErrors({});
    setNameError(null);
    setUrlError(null);
    const trimmed = name.trim();
    const address = url.trim();
    const { headers, errors: headerErrors } = headersFromRows(rows);
    setRowErrors(headerErrors);
    const badName = !SERVER_NAME_PATTERN.test(trimmed);
    const badUrl = !isHttpUrl(address);
    if (badName) setNameError(MESSAGES.name);
    if (badUrl) setUrlError(MESSAGES.url);
    if (badName || badUrl || Object.keys(headerErrors).length > 0) {
      setError(MESSAGES.invalid);
      return;
    }
    const body = Object.keys(headers).length > 0 ? { name: trimmed, url: address, headers } : { name: trimmed, url: address };
    register.mutate(body, {
      onSuccess: (server) => {
        onAdded(server);
        setName('');
        setUrl('');
        setRows([]);
        setRowErrors({});
      },
      onError: (err) => {
        if (err instanceof ApiError && err.status === 409) {
          setNameError(MESSAGES.conflict);
          setError(MESSAGES.conflict);
          return;
        }
        if (err instanceof ApiError) setErrors(err.errors);
        setError(describeError(err, { 400: MESSAGES.invalid, 403: "L'ajout d'un serveur est réservé aux administrateurs." }));
      },
    });
  };

  const busy = register.isPending;
  return (
    <Paper withBorder p="md" radius="md" component="form" onSubmit={submit} aria-labelledby="add-server-title" noValidate>
      <Title order={2} size="h3" id="add-server-title" mb="sm">
        Ajouter un serveur
      </Title>
      <Stack gap="sm">
        {error && <Alert>{error}</Alert>}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Nom"
            name="server-name"
            required
            autoComplete="off"
            spellCheck={false}
            placeholder="ex. glpi-outils"
            description="Lettres, chiffres, « - » ou « _ » (64 au plus)"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={nameError ?? (hasFieldError(errors, 'name') ? MESSAGES.name : undefined)}
          />
          <TextInput
            label="URL du serveur MCP"
            name="server-url"
            type="url"
            required
            autoComplete="off"
            spellCheck={false}
            placeholder="https://outils.exemple.local/mcp"
            description="Adresse http:// ou https:// du point d'accès MCP"
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={urlError ?? (hasFieldError(errors, 'url') ? MESSAGES.url : undefined)}
          />
        </SimpleGrid>
        <HeadersEditor
          rows={rows}
          onChange={setRows}
          errors={rowErrors}
          serverError={hasFieldError(errors, 'headers') ? MESSAGES.headers : undefined}
          disabled={busy}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>
            Ajouter le serveur
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
