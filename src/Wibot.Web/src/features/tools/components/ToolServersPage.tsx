import { Badge, Button, Group, List, Paper, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Alert } from '@/components/ui/Alert';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { Spinner } from '@/components/ui/Spinner';
import { describeError } from '@/lib/errors';
import { MESSAGES, useDeleteToolServer, useToolServers, type ToolServer } from '../api/tool-servers';
import { AddServerForm } from './AddServerForm';
import { EditServerDialog } from './EditServerDialog';
import { ServerCard } from './ServerCard';

type Notice = { tone: 'success' | 'warning'; text: string };

/** What a tool's level means when WIBOT calls it. */
function LevelLegend() {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="levels-title">
      <Title order={2} size="h3" id="levels-title" mb="xs">
        Niveaux des outils
      </Title>
      <List spacing={4} size="sm">
        <List.Item>
          <Badge variant="filled" color="teal" radius="sm" mr={6}>
            L0
          </Badge>
          s'exécute sans approbation (lectures).
        </List.Item>
        <List.Item>
          <Badge variant="filled" color="orange" radius="sm" mr={6}>
            L1–L4
          </Badge>
          chaque appel attend l'approbation Safeguard d'un technicien accrédité : N1 au moins pour L1, N2 pour L2, N3 pour L3, N4
          pour L4.
        </List.Item>
        <List.Item>
          Un outil non classé est <strong>L4</strong> : les nouveaux outils d'un serveur arrivent en L4 jusqu'à ce que vous les
          classiez.
        </List.Item>
        <List.Item>
          Les badges « indice du serveur » reprennent ce que le serveur déclare de ses outils (annotations MCP) : rien ne les
          vérifie, ils ne fixent jamais le niveau WIBOT.
        </List.Item>
      </List>
    </Paper>
  );
}

/** Administration of the MCP tool servers WIBOT is a client of, and of the level of each of their tools. */
export function ToolServersPage() {
  const servers = useToolServers();
  const remove = useDeleteToolServer();
  const [notice, setNotice] = useState<Notice | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<ToolServer | null>(null);
  const [toDelete, setToDelete] = useState<ToolServer | null>(null);

  const added = (server: ToolServer) => {
    setError(null);
    setNotice(
      server.status === 'ok'
        ? {
            tone: 'success',
            text: `Serveur « ${server.name} » ajouté : ${server.tools.length} outil${server.tools.length > 1 ? 's' : ''}, en L4 tant que vous ne les avez pas classés.`,
          }
        : { tone: 'warning', text: `Serveur « ${server.name} » enregistré mais injoignable : ${server.error ?? 'raison inconnue'}` },
    );
  };

  const saved = (server: ToolServer) => {
    setEditing(null);
    setError(null);
    setNotice(
      server.status === 'ok'
        ? { tone: 'success', text: `Serveur « ${server.name} » mis à jour.` }
        : { tone: 'warning', text: `Serveur « ${server.name} » mis à jour mais injoignable : ${server.error ?? 'raison inconnue'}` },
    );
  };

  const confirmDelete = () => {
    if (!toDelete) return;
    const name = toDelete.name;
    setError(null);
    remove.mutate(toDelete.server_id, {
      onSuccess: () => setNotice({ tone: 'success', text: `Serveur « ${name} » supprimé.` }),
      onError: (err) => setError(describeError(err, { 404: MESSAGES.serverNotFound })),
      onSettled: () => setToDelete(null),
    });
  };

  const list = servers.data ?? null;
  const listError = servers.isError && !list ? describeError(servers.error) : null;

  return (
    <Stack className="page" gap="md">
      <Title order={1}>Outils</Title>
      <Text c="dimmed">
        Les serveurs d'outils MCP auxquels WIBOT se connecte. Chaque outil reçoit un niveau WIBOT qui décide si son appel demande
        une approbation Safeguard.
      </Text>
      {notice && (
        <Alert tone={notice.tone} onDismiss={() => setNotice(null)}>
          {notice.text}
        </Alert>
      )}
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}

      <LevelLegend />
      <AddServerForm onAdded={added} />

      <Stack component="section" aria-labelledby="servers-title" gap="sm">
        <Title order={2} size="h3" id="servers-title">
          Serveurs{' '}
          {list && (
            <Text span c="dimmed" fz="inherit" fw={400}>
              ({list.length})
            </Text>
          )}
        </Title>
        {listError ? (
          <div data-testid="servers-error">
            <Alert>
              <Group justify="space-between" gap="xs">
                <span>Impossible de charger les serveurs d'outils : {listError}</span>
                <Button size="compact-sm" variant="default" onClick={() => void servers.refetch()} loading={servers.isFetching}>
                  Réessayer
                </Button>
              </Group>
            </Alert>
          </div>
        ) : !list ? (
          <Spinner />
        ) : list.length === 0 ? (
          <Paper withBorder p="lg" radius="md">
            <Text c="dimmed" ta="center" data-testid="servers-empty">
              Aucun serveur d'outils pour le moment : ajoutez-en un ci-dessus.
            </Text>
          </Paper>
        ) : (
          list.map((server) => <ServerCard key={server.server_id} server={server} onEdit={setEditing} onDelete={setToDelete} />)
        )}
      </Stack>

      <EditServerDialog server={editing} onClose={() => setEditing(null)} onSaved={saved} />
      <ConfirmDialog
        open={toDelete !== null}
        title="Supprimer le serveur ?"
        confirmLabel="Supprimer"
        danger
        busy={remove.isPending}
        onConfirm={confirmDelete}
        onCancel={() => setToDelete(null)}
      >
        <Text>
          Le serveur « {toDelete?.name} » et ses {toDelete?.tools.length ?? 0} outil{(toDelete?.tools.length ?? 0) > 1 ? 's' : ''} seront
          retirés : WIBOT ne pourra plus les appeler. Ses en-têtes enregistrés seront effacés.
        </Text>
      </ConfirmDialog>
    </Stack>
  );
}
