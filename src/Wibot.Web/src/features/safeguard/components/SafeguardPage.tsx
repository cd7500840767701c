import { Button, Code, Group, NativeSelect, Paper, SimpleGrid, Stack, Tabs, Text, Title, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Alert } from '@/components/ui/Alert';
import { Spinner } from '@/components/ui/Spinner';
import { describeError } from '@/lib/errors';
import { formatCountdown, formatDateTime } from '@/lib/format';
import type { SafeguardRequest } from '@/lib/schemas';
import { useSession } from '@/lib/useSession';
import { HISTORY_FILTERS, ORIGIN_SHORT_LABELS, safeguardRequestQueryOptions, safeguardRequestsQueryOptions, type StatusFilter } from '../api/safeguard';
import { ExecutionBadge, LevelBadge, StatusBadge } from './RequestBadges';
import { RequestDetail } from './RequestDetail';
import { useSafeguardRequests } from './useSafeguardRequests';

type Tab = 'pending' | 'history';

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

const OUTCOME_LABELS: Record<string, string> = { approved: 'approuvée', rejected: 'rejetée', expired: 'expirée' };

/** The notice shown over a request that is no longer in the list (status: its outcome, when known). */
/** The row's second line: "Passerelle MCP · mcp-ad · Pour tech3 · 12 min 05 s" (the parts that are known). */
function rowSummary(request: SafeguardRequest, now: number): string {
  const origin = request.origin ? (ORIGIN_SHORT_LABELS[request.origin] ?? request.origin) : null;
  const when = request.status === 'pending' ? formatCountdown(Date.parse(request.expires_at ?? '') - now) : formatDateTime(request.decided_at ?? request.created_at);
  return [origin, request.server, request.requested_for ? `Pour ${request.requested_for}` : null, when].filter(Boolean).join(' · ');
}

function goneNoticeFor(status: string | null | undefined): string {
  const label = status ? OUTCOME_LABELS[status] : undefined;
  return label ? `Cette demande a été traitée (${label}).` : "Cette demande n'est plus en attente.";
}

/**
 * The Safeguard queue and history. `requestId` (the page opened as /safeguard/APR-…, e.g. from a tool
 * call in the chat): that request is selected, and read on its own when the list does not hold it.
 */
export function SafeguardPage({ requestId = null }: { requestId?: string | null }) {
  const session = useSession();
  const [tab, setTab] = useState<Tab>('pending');
  const [historyFilter, setHistoryFilter] = useState<StatusFilter>('all');
  const [selectedId, setSelectedId] = useState<string | null>(requestId);
  const [linkedId, setLinkedId] = useState<string | null>(requestId);
  // The last known detail of the selected request: it stays shown when the request leaves the list.
  const [pinned, setPinned] = useState<SafeguardRequest | null>(null);
  // What this page learnt about requests decided here (the decision's answer).
  const [outcomes, setOutcomes] = useState<Record<string, SafeguardRequest>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const status: StatusFilter = tab === 'pending' ? 'pending' : historyFilter;
  const { requests, unavailable, error, live, updatedAt, reload, retrying } = useSafeguardRequests(status);
  const now = useNow(1000);

  // Another request's link was followed while the page is shown: it becomes the selection.
  if (requestId !== linkedId) {
    setLinkedId(requestId);
    if (requestId) {
      setTab('pending');
      setSelectedId(requestId);
      setPinned(null);
    }
  }

  // The selection is explicit and never moves by itself: the first request is picked only when
  // nothing was picked yet (a request that leaves the list stays selected, see `gone`).
  const firstId = requests?.[0]?.request_id ?? null;
  if (selectedId === null && pinned === null && firstId !== null) setSelectedId(firstId);
  const inList = selectedId === null ? null : (requests?.find((r) => r.request_id === selectedId) ?? null);
  if (inList && inList !== pinned) setPinned(inList);
  // The linked request is not in the list (decided, expired, or listed under another tab): read it alone.
  const linkedMissing = linkedId !== null && selectedId === linkedId && requests !== null && inList === null && pinned?.request_id !== linkedId;
  const linked = useQuery({ ...safeguardRequestQueryOptions(linkedId ?? ''), enabled: linkedMissing });
  if (linkedMissing && linked.data) {
    setSelectedId(linked.data.request_id ?? linkedId);
    setPinned(linked.data);
  }
  const linkedError =
    linkedMissing && linked.isError ? describeError(linked.error, { 404: `La demande ${linkedId} est introuvable.` }) : null;
  const goneId = selectedId !== null && requests !== null && inList === null && pinned?.request_id === selectedId ? selectedId : null;
  const gone = goneId !== null;
  // The outcome of a request that left the list: this page's own decision, else the history.
  const history = useQuery({ ...safeguardRequestsQueryOptions('all', live), enabled: goneId !== null && !(goneId in outcomes) });
  const outcome = goneId === null ? null : (outcomes[goneId] ?? history.data?.find((r) => r.request_id === goneId) ?? null);
  const selected = inList ?? (gone ? pinned : null);

  const select = (id: string | null) => {
    setSelectedId(id);
    setPinned(null);
  };

  const content = unavailable ? (
    <div data-testid="safeguard-unavailable">
      <Alert tone="info">Le module Safeguard est indisponible pour le moment sur ce serveur.</Alert>
    </div>
  ) : requests === null ? (
    error ? null : <Spinner />
  ) : requests.length === 0 && !selected ? (
    <Paper withBorder p="lg" ta="center" c="dimmed" data-testid="safeguard-empty">
      {tab === 'pending' ? 'Aucune demande en attente pour le moment.' : 'Aucune demande dans l’historique pour ce filtre.'}
    </Paper>
  ) : (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" className="safeguard-layout">
      <ul className="request-list" aria-label="Demandes">
        {requests.length === 0 && (
          <li className="request-list__empty" data-testid="safeguard-empty">
            <Text c="dimmed" p="sm">
              {tab === 'pending' ? 'Aucune autre demande en attente.' : 'Aucune demande dans l’historique pour ce filtre.'}
            </Text>
          </li>
        )}
        {requests.map((request) => {
          const isSelected = selected?.request_id === request.request_id;
          return (
            <li key={request.request_id} data-request-id={request.request_id}>
              <UnstyledButton
                className={isSelected ? 'request-row request-row--selected' : 'request-row'}
                aria-current={isSelected ? 'true' : undefined}
                onClick={() => select(request.request_id ?? null)}
              >
                <Group gap="xs">
                  <LevelBadge level={request.level} />
                  <strong>{request.request_id}</strong>
                  <Code>{request.tool}</Code>
                  <StatusBadge status={request.status} />
                  <ExecutionBadge status={request.execution?.status} inList />
                </Group>
                <Text size="sm" c="dimmed">
                  {rowSummary(request, now)}
                </Text>
              </UnstyledButton>
            </li>
          );
        })}
      </ul>
      {selected && (
        <RequestDetail
          key={selected.request_id}
          request={selected}
          now={now}
          accreditation={session?.user.accreditation_level}
          username={session?.user.username}
          goneNotice={gone ? goneNoticeFor(outcome?.status) : null}
          onDecided={(message, decided) => {
            setNotice(message);
            const id = decided?.request_id;
            if (id) setOutcomes((current) => ({ ...current, [id]: decided }));
          }}
        />
      )}
    </SimpleGrid>
  );

  return (
    <Stack className="page" gap="md">
      <Group justify="space-between">
        <Title order={1}>Safeguard — actions à valider</Title>
        <Button variant="default" onClick={reload}>
          Actualiser
        </Button>
      </Group>
      <Text c="dimmed">
        Les serveurs d'outils demandent ici l'autorisation d'exécuter des actions sensibles.{' '}
        <span className={live ? 'live live--on' : 'live'} data-testid="safeguard-live">
          {live ? 'Mises à jour en direct' : 'Actualisation automatique toutes les 10 secondes'}
        </span>
        {updatedAt && ` — dernière mise à jour à ${updatedAt.toLocaleTimeString('fr-FR')}`}.
      </Text>

      <Tabs
        value={tab}
        onChange={(value) => {
          setTab(value === 'history' ? 'history' : 'pending');
          select(null);
        }}
        keepMounted={false}
      >
        <Group justify="space-between" align="flex-end" className="safeguard-tabs">
          <Tabs.List aria-label="Demandes Safeguard">
            <Tabs.Tab value="pending">En attente</Tabs.Tab>
            <Tabs.Tab value="history">Historique</Tabs.Tab>
          </Tabs.List>
          {tab === 'history' && (
            <NativeSelect
              label="Statut"
              name="status"
              size="xs"
              value={historyFilter}
              onChange={(e) => {
                setHistoryFilter(e.currentTarget.value as StatusFilter);
                select(null);
              }}
              data={HISTORY_FILTERS}
            />
          )}
        </Group>
        {notice && (
          <Stack mt="sm">
            <Alert tone="success" onDismiss={() => setNotice(null)}>
              {notice}
            </Alert>
          </Stack>
        )}
        {linkedError && (
          <Stack mt="sm" data-testid="safeguard-linked-error">
            <Alert>{linkedError}</Alert>
          </Stack>
        )}
        {error && (
          <Stack mt="sm" data-testid="safeguard-error">
            <Alert>
              <Group justify="space-between" gap="xs">
                <span>{error}</span>
                <Button size="compact-sm" variant="default" onClick={reload} loading={retrying}>
                  Réessayer
                </Button>
              </Group>
            </Alert>
          </Stack>
        )}
        <Tabs.Panel value="pending" pt="md">
          {content}
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          {content}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
