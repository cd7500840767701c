import { Badge, Button, Code, Group, Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { useId, useState } from 'react';
import { Alert } from '@/components/ui/Alert';
import { describeError } from '@/lib/errors';
import { formatDateTime } from '@/lib/format';
import { MESSAGES, useRefreshToolServer, useUpdateToolServer, type ToolServer } from '../api/tool-servers';
import { ToolsTable } from './ToolsTable';

interface ServerCardProps {
  server: ToolServer;
  onEdit: (server: ToolServer) => void;
  onDelete: (server: ToolServer) => void;
}

type Message = { tone: 'error' | 'success'; text: string };

function toolCount(n: number): string {
  return `${n} outil${n > 1 ? 's' : ''}`;
}

/** One tool server: its state, its actions (refresh, edit, delete, enable) and its tools. */
export function ServerCard({ server, onEdit, onDelete }: ServerCardProps) {
  const titleId = useId();
  const refresh = useRefreshToolServer();
  const toggle = useUpdateToolServer();
  const [message, setMessage] = useState<Message | null>(null);
  const reachable = server.status === 'ok';

  const runRefresh = () => {
    setMessage(null);
    refresh.mutate(server.server_id, {
      onSuccess: (answer) =>
        setMessage(
          answer.status === 'ok'
            ? { tone: 'success', text: `Liste des outils actualisée : ${toolCount(answer.tools.length)}.` }
            : { tone: 'error', text: `Le serveur reste injoignable : ${answer.error ?? 'raison inconnue'}.` },
        ),
      onError: (err) => setMessage({ tone: 'error', text: describeError(err, { 404: MESSAGES.serverNotFound }) }),
    });
  };

  const setEnabled = (enabled: boolean) => {
    setMessage(null);
    toggle.mutate(
      { serverId: server.server_id, body: { enabled } },
      { onError: (err) => setMessage({ tone: 'error', text: describeError(err, { 404: MESSAGES.serverNotFound }) }) },
    );
  };

  // The switch shows the asked state while it is being saved.
  const pendingEnabled = toggle.isPending ? toggle.variables?.body.enabled : undefined;
  const enabled = pendingEnabled ?? server.enabled;

  return (
    <Paper withBorder p="md" radius="md" component="article" aria-labelledby={titleId} data-server={server.name}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start" gap="sm">
          <Stack gap={4} style={{ minWidth: 0, flex: '1 1 320px' }}>
            <Group gap="xs">
              <Title order={3} size="h4" id={titleId}>
                {server.name}
              </Title>
              <Badge color={reachable ? 'teal' : 'red'} variant="light" tt="none">
                {reachable ? 'joignable' : 'injoignable'}
              </Badge>
              {!server.enabled && (
                <Badge color="gray" variant="light" tt="none">
                  désactivé
                </Badge>
              )}
            </Group>
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              <Code>{server.url}</Code>
            </Text>
            {!reachable && (
              <Text size="sm" c="red.8" data-testid="server-error">
                Injoignable : {server.error ?? 'raison inconnue'}
              </Text>
            )}
            <Text size="sm" c="dimmed">
              En-têtes :{' '}
              {server.header_names.length > 0 ? (
                server.header_names.map((name, i) => (
                  <span key={name}>
                    {i > 0 && ', '}
                    <Code>{name}</Code>
                  </span>
                ))
              ) : (
                <em>aucun</em>
              )}
              {' · '}Ajouté le {formatDateTime(server.created_at)}
            </Text>
          </Stack>
          <Stack gap="xs" align="flex-end">
            <Switch
              label="Activé"
              aria-label={`Activé — serveur ${server.name}`}
              name={`server-enabled-${server.name}`}
              checked={enabled}
              disabled={toggle.isPending}
              onChange={(e) => setEnabled(e.currentTarget.checked)}
            />
            <Group gap={4} wrap="wrap" justify="flex-end">
              <Button size="compact-sm" variant="default" onClick={runRefresh} loading={refresh.isPending} aria-label={`Actualiser les outils de ${server.name}`}>
                Actualiser
              </Button>
              <Button size="compact-sm" variant="subtle" onClick={() => onEdit(server)} aria-label={`Modifier ${server.name}`}>
                Modifier
              </Button>
              <Button size="compact-sm" variant="subtle" color="red" onClick={() => onDelete(server)} aria-label={`Supprimer ${server.name}`}>
                Supprimer
              </Button>
            </Group>
          </Stack>
        </Group>

        {message && (
          <Alert tone={message.tone} onDismiss={() => setMessage(null)}>
            {message.text}
          </Alert>
        )}
        {!server.enabled && <Text size="sm">Serveur désactivé : WIBOT n'utilise aucun de ses outils.</Text>}

        {server.tools.length > 0 ? (
          <ToolsTable
            serverId={server.server_id}
            serverName={server.name}
            tools={server.tools}
            onError={(text) => setMessage(text === null ? null : { tone: 'error', text })}
          />
        ) : (
          <Text size="sm" c="dimmed" data-testid="no-tools">
            {reachable ? 'Ce serveur ne publie aucun outil.' : "Aucun outil connu : le serveur n'a pas encore pu être joint. Utilisez « Actualiser » une fois le serveur disponible."}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
