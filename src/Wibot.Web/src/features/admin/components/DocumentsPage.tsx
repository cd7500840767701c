import { Badge, Button, Code, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { Alert } from '@/components/ui/Alert';
import { Spinner } from '@/components/ui/Spinner';
import { describeError } from '@/lib/errors';
import { formatDateTime, formatNumber } from '@/lib/format';
import type { RagIngestResponse } from '@/lib/schemas';
import { useDocuments, useReindexDocuments } from '../api/documents';

/** Seconds since `since` (a timestamp), ticking while it is set. */
function useElapsedSeconds(since: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (since === null) return;
    const timer = window.setInterval(() => setNow(Date.now()), 500);
    return () => window.clearInterval(timer);
  }, [since]);
  return since === null ? 0 : Math.max(0, Math.floor((now - since) / 1000));
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${formatNumber(ms)} ms`;
  return `${(ms / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s`;
}

function IngestResult({ result }: { result: RagIngestResponse }) {
  const errors = result.errors ?? [];
  const figures: [string, number | undefined][] = [
    ['Ajoutés', result.added],
    ['Mis à jour', result.updated],
    ['Supprimés', result.removed],
    ['Inchangés', result.unchanged],
    ['Extraits (chunks)', result.chunks],
  ];
  return (
    <Stack gap="xs" data-testid="ingest-result">
      <Alert tone={errors.length ? 'warning' : 'success'}>
        Réindexation terminée en {formatDuration(result.duration_ms ?? 0)}
        {errors.length ? ` avec ${errors.length} erreur${errors.length > 1 ? 's' : ''}` : ''}.
      </Alert>
      <SimpleGrid cols={{ base: 2, sm: 5 }} component="dl" spacing="xs" className="ingest-result">
        {figures.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{formatNumber(value)}</dd>
          </div>
        ))}
      </SimpleGrid>
      {errors.length > 0 && (
        <details open>
          <summary>Erreurs ({errors.length})</summary>
          <ul>
            {errors.map((e, i) => (
              <li key={`${e.path ?? ''}-${i}`}>
                <Code>{e.path ?? '—'}</Code> : {e.error ?? 'erreur inconnue'}
              </li>
            ))}
          </ul>
        </details>
      )}
    </Stack>
  );
}

export function DocumentsPage() {
  const documents = useDocuments();
  const reindex = useReindexDocuments();
  const elapsed = useElapsedSeconds(reindex.isPending ? reindex.submittedAt : null);
  const list = documents.data ?? null;
  const totalChunks = (list ?? []).reduce((sum, d) => sum + (d.chunks ?? 0), 0);
  const error = reindex.isError ? describeError(reindex.error, { 403: 'La réindexation est réservée aux administrateurs.' }) : null;
  const listError = documents.isError && !list ? describeError(documents.error, { 404: "L'index documentaire est indisponible sur ce serveur." }) : null;

  return (
    <Stack className="page" gap="md">
      <Group justify="space-between">
        <Title order={1}>Documents indexés</Title>
        <Button onClick={() => reindex.mutate()} loading={reindex.isPending} aria-busy={reindex.isPending}>
          Réindexer
        </Button>
      </Group>
      <Text c="dimmed">
        La base documentaire alimente les réponses de WIBOT (sources citées). La réindexation relit les fichiers et ne traite que ce
        qui a changé.
      </Text>
      {reindex.isPending && (
        <Paper withBorder p="xs" data-testid="ingest-progress">
          <Spinner label={`Réindexation en cours… ${elapsed} s`} />
        </Paper>
      )}
      {reindex.data && !reindex.isPending && <IngestResult result={reindex.data} />}
      {error && <Alert onDismiss={reindex.isError ? () => reindex.reset() : undefined}>{error}</Alert>}

      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="documents-title">
        <Title order={2} size="h3" id="documents-title" mb="sm">
          Documents{' '}
          {list && (
            <Text span c="dimmed" fz="inherit" fw={400}>
              ({list.length} — {formatNumber(totalChunks)} extraits)
            </Text>
          )}
        </Title>
        {listError ? (
          <div data-testid="documents-error">
            <Alert>
              <Group justify="space-between" gap="xs">
                <span>Impossible de lire la liste des documents : {listError}</span>
                <Button size="compact-sm" variant="default" onClick={() => void documents.refetch()} loading={documents.isFetching}>
                  Réessayer
                </Button>
              </Group>
            </Alert>
          </div>
        ) : !list ? (
          <Spinner />
        ) : list.length === 0 ? (
          <Text c="dimmed" ta="center" p="lg" data-testid="documents-empty">
            Aucun document indexé pour le moment.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={820}>
            <Table striped highlightOnHover aria-describedby="documents-title">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Titre</Table.Th>
                  <Table.Th scope="col">Chemin</Table.Th>
                  <Table.Th scope="col">Type</Table.Th>
                  <Table.Th scope="col">Client</Table.Th>
                  <Table.Th scope="col">Étiquettes</Table.Th>
                  <Table.Th scope="col">Extraits</Table.Th>
                  <Table.Th scope="col">Indexé le</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((document) => (
                  <Table.Tr key={document.document ?? document.path ?? ''}>
                    <Table.Td>
                      <strong>{document.title || document.document}</strong>
                    </Table.Td>
                    <Table.Td>
                      <Code>{document.path}</Code>
                    </Table.Td>
                    <Table.Td>{document.type ?? '—'}</Table.Td>
                    <Table.Td>{document.client ?? '—'}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {(document.tags ?? []).map((tag) => (
                          <Badge key={tag} size="xs" variant="light" tt="none">
                            {tag}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>{formatNumber(document.chunks)}</Table.Td>
                    <Table.Td>{formatDateTime(document.indexed_at)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
    </Stack>
  );
}
