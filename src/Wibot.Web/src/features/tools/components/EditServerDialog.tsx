import { Button, Checkbox, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Alert } from '@/components/ui/Alert';
import { ApiError, type FieldErrors } from '@/lib/api-client';
import { describeError } from '@/lib/errors';
import { headersFromRows, newHeaderRow, type HeaderRow, type HeaderRowErrors } from '../api/headers';
import { MESSAGES, hasFieldError, isHttpUrl, useUpdateToolServer, type ToolServer, type UpdateToolServerBody } from '../api/tool-servers';
import { HeadersEditor } from './HeadersEditor';

interface EditServerDialogProps {
  server: ToolServer | null;
  onClose: () => void;
  onSaved: (server: ToolServer) => void;
}

function EditServerForm({ server, onClose, onSaved }: { server: ToolServer; onClose: () => void; onSaved: (server: ToolServer) => void }) {
  const [url, setUrl] = useState(server.url);
  const [replaceHeaders, setReplaceHeaders] = useState(false);
  // The current names are offered again; their values are never returned by the API and must be typed anew.
  const [rows, setRows] = useState<HeaderRow[]>(() => server.header_names.map((name) => newHeaderRow(name)));
  const [rowErrors, setRowErrors] = useState<Record<number, HeaderRowErrors>>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [urlError, setUrlError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const update = useUpdateToolServer();

  const save = (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setErrors({});
    setUrlError(null);
    const body: UpdateToolServerBody = {};
    const address = url.trim();
    if (address !== server.url) {
      if (!isHttpUrl(address)) {
        setUrlError(MESSAGES.url);
        setError(MESSAGES.invalid);
        return;
      }
      body.url = address;
    }
    if (replaceHeaders) {
      const { headers, errors: headerErrors } = headersFromRows(rows);
      setRowErrors(headerErrors);
      if (Object.keys(headerErrors).length > 0) {
        setError(MESSAGES.invalid);
        return;
      }
      body.headers = headers; // {} removes every header
    }
    if (Object.keys(body).length === 0) {
      onClose();
      return;
    }
    update.mutate(
      { serverId: server.server_id, body },
      {
        onSuccess: onSaved,
        onError: (err) => {
          if (err instanceof ApiError) setErrors(err.errors);
          setError(describeError(err, { 400: MESSAGES.invalid, 404: MESSAGES.serverNotFound }));
        },
      },
    );
  };

  const busy = update.isPending;
  return (
    <form onSubmit={save} aria-label={`Modifier le serveur ${server.name}`} noValidate>
      <Stack gap="sm">
        {error && <Alert>{error}</Alert>}
        <TextInput
          label="URL du serveur MCP"
          name="server-url"
          type="url"
          required
          autoComplete="off"
          spellCheck={false}
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
          error={urlError ?? (hasFieldError(errors, 'url') ? MESSAGES.url : undefined)}
          data-autofocus
        />
        <Text size="sm">
          En-têtes enregistrés :{' '}
          {server.header_names.length > 0 ? <strong>{server.header_names.join(', ')}</strong> : <em>aucun</em>}
        </Text>
        <Checkbox
          label="Remplacer les en-têtes"
          description="Les valeurs enregistrées ne sont jamais affichées : ressaisissez-les toutes. Une liste vide supprime tous les en-têtes."
          name="replace-headers"
          checked={replaceHeaders}
          onChange={(e) => setReplaceHeaders(e.currentTarget.checked)}
        />
        {replaceHeaders && (
          <HeadersEditor
            rows={rows}
            onChange={setRows}
            errors={rowErrors}
            serverError={hasFieldError(errors, 'headers') ? MESSAGES.headers : undefined}
            legend="Nouveaux en-têtes HTTP"
            disabled={busy}
          />
        )}
        <Text size="sm" c="dimmed">
          Une nouvelle URL ou de nouveaux en-têtes relancent la liste des outils ; les niveaux déjà choisis sont conservés.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Annuler
          </Button>
          <Button type="submit" loading={busy}>
            Enregistrer
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** Changes a server's URL or replaces its headers. */
export function EditServerDialog({ server, onClose, onSaved }: EditServerDialogProps) {
  return (
    <Modal opened={server !== null} onClose={onClose} title={`Modifier « ${server?.name ?? ''} »`} size="lg" closeButtonProps={{ 'aria-label': 'Fermer' }}>
      {server && <EditServerForm key={server.server_id} server={server} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}
