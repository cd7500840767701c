import { Badge, Button, Code, Group, NativeSelect, Paper, SimpleGrid, Stack, Tabs, Text, Textarea, Title, UnstyledButton } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Alert } from '../../../components/ui/Alert';
import { Icon } from '../../../components/ui/Icon';
import { Spinner } from '../../../components/ui/Spinner';
import { ApiError } from '../../../lib/api-client';
import { describeError } from '../../../lib/errors';
import { formatCountdown, formatDateTime } from '../../../lib/format';
import type { SafeguardRequest } from '../../../lib/schemas';
import { useSession } from '../../../lib/useSession';
import { decisionBlockReason } from '../api/decision';
import { HISTORY_FILTERS, STATUS_LABELS, safeguardRequestsQueryOptions, useDecideRequest, type StatusFilter } from '../api/safeguard';
import { useSafeguardRequests } from './useSafeguardRequests';

const LEVEL_HINTS: Record<string, string> = {
  L1: 'Niveau 1 : décision possible dès N1',
  L2: 'Niveau 2 : décision possible dès N2',
  L3: 'Niveau 3 : décision possible dès N3',
  L4: 'Niveau 4 : décision réservée au N4',
};
const LEVEL_COLORS: Record<string, string> = { L1: 'green', L2: 'yellow', L3: 'orange', L4: 'red' };
const STATUS_COLORS: Record<string, string> = { pending: 'orange', approved: 'teal', rejected: 'red', expired: 'gray' };

type Tab = 'pending' | 'history';

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** Pretty-printed JSON of the tool arguments (secrets arrive already masked by the server). */
function formatArguments(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return '(arguments illisibles)';
  }
}

function LevelBadge({ level }: { level: string | null | undefined }) {
  const value = level ?? '?';
  return (
    <Badge color={LEVEL_COLORS[value] ?? 'gray'} variant="filled" radius="sm" title={LEVEL_HINTS[value] ?? ''}>
      {value}
    </Badge>
  );
}

function StatusBadge({ status }: { status: string | null | undefined }) {
  const value = status ?? 'pending';
  return (
    <Badge color={STATUS_COLORS[value] ?? 'gray'} variant="light" tt="none">
      {STATUS_LABELS[value] ?? value}
    </Badge>
  );
}

interface DetailProps {
  request: SafeguardRequest;
  now: number;
  accreditation: string | null | undefined;
  onDecided: (message: string, decided: SafeguardRequest | null) => void;
  /**
   * The request left the shown list (decided here or elsewhere, expired): its last known detail
   * stays on screen with this notice and disabled buttons until another one is picked.
   */
  goneNotice?: string | null;
}

const OUTCOME_LABELS: Record<string, string> = { approved: 'approuvée', rejected: 'rejetée', expired: 'expirée' };

/** The notice shown over a request that is no longer in the list (status: its outcome, when known). */
function goneNoticeFor(status: string | null | undefined): string {
  const label = status ? OUTCOME_LABELS[status] : undefined;
  return label ? `Cette demande a été traitée (${label}).` : "Cette demande n'est plus en attente.";
}

export function RequestDetail({ request, now, accreditation, onDecided, goneNotice = null }: DetailProps) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const decide = useDecideRequest();
  const id = request.request_id ?? '';
  const pending = request.status === 'pending';
  const remaining = Date.parse(request.expires_at ?? '') - now;
  const expired = pending && remaining <= 0;
  const blocked = pending ? (goneNotice ?? (expired ? 'Demande expirée' : decisionBlockReason(request, accreditation))) : null;
  const busy = decide.isPending ? decide.variables.kind : null;

  const submit = (kind: 'approve' | 'reject') => {
    const text = comment.trim();
    if (kind === 'reject' && !text) {
      setError('Un commentaire est obligatoire pour rejeter une demande.');
      return;
    }
    setError(null);
    // mutateAsync, not mutate's callbacks: the decided request leaves the queue (and this panel
    // unmounts) before the mutation settles, and the page must still hear about it.
    decide.mutateAsync(kind === 'reject' ? { kind, requestId: id, comment: text } : { kind, requestId: id, comment: text || undefined }).then(
      (answer) => {
        setComment('');
        const decided: SafeguardRequest = { ...request, status: kind === 'reject' ? 'rejected' : 'approved', ...(answer as SafeguardRequest | null) };
        onDecided(kind === 'reject' ? `Demande ${id} rejetée.` : `Demande ${id} approuvée.`, decided);
      },
      (err: unknown) =>
        setError(
          describeError(err, {
            403: err instanceof ApiError && err.detail ? err.detail : "Votre niveau d'accréditation ne permet pas de décider cette demande.",
            409: err instanceof ApiError && err.detail ? err.detail : 'Cette demande a déjà été traitée ou a expiré.',
          }),
        ),
    );
  };

  return (
    <Paper withBorder p="md" radius="md" component="article" aria-labelledby="request-detail-title" data-testid="request-detail" data-request-id={id}>
      <Group gap="sm">
        <LevelBadge level={request.level} />
        <Title order={2} size="h4" id="request-detail-title">
          {id}
        </Title>
        <StatusBadge status={request.status} />
      </Group>
      {goneNotice && (
        <Stack mt="sm" data-testid="request-gone">
          <Alert tone="info">{goneNotice} Choisissez une autre demande dans la liste.</Alert>
        </Stack>
      )}
      <dl className="request-detail__grid">
        <dt>Outil</dt>
        <dd>
          <Code>{request.tool ?? '—'}</Code>
        </dd>
        <dt>Motif</dt>
        <dd>{request.reason || '—'}</dd>
        <dt>Demandée par</dt>
        <dd>{request.requested_by ?? '—'}</dd>
        <dt>Pour le compte de</dt>
        <dd>{request.requested_for ?? '—'}</dd>
        <dt>Créée le</dt>
        <dd>{formatDateTime(request.created_at)}</dd>
        <dt>Expire le</dt>
        <dd>
          {formatDateTime(request.expires_at)}
          {pending && (
            <Text span size="sm" c={remaining < 5 * 60_000 ? 'red' : 'dimmed'} fw={remaining < 5 * 60_000 ? 700 : 400} className="countdown" data-testid="countdown">
              {' '}
              <Icon name="clock" size={14} /> {formatCountdown(remaining)}
            </Text>
          )}
        </dd>
        {request.decided_at && (
          <>
            <dt>Décision</dt>
            <dd>
              {request.decided_by ?? '—'}, le {formatDateTime(request.decided_at)}
            </dd>
            <dt>Commentaire</dt>
            <dd>{request.comment ? `« ${request.comment} »` : '—'}</dd>
          </>
        )}
      </dl>
      <Title order={3} size="h6" mt="sm" mb={4}>
        Arguments
      </Title>
      <Code block data-testid="request-arguments" className="request-detail__args">
        {formatArguments(request.arguments)}
      </Code>

      {pending && (
        <Stack gap="sm" mt="md">
          {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
          <Textarea
            label="Commentaire (obligatoire pour un rejet)"
            name="comment"
            minRows={3}
            autosize
            value={comment}
            onChange={(e) => setComment(e.currentTarget.value)}
            disabled={blocked !== null || busy !== null}
          />
          <Group gap="sm">
            <Button
              color="teal"
              disabled={blocked !== null || (busy !== null && busy !== 'approve')}
              loading={busy === 'approve'}
              aria-describedby={blocked && !goneNotice ? 'decision-blocked' : undefined}
              onClick={() => submit('approve')}
            >
              Approuver
            </Button>
            <Button
              color="red"
              disabled={blocked !== null || (busy !== null && busy !== 'reject')}
              loading={busy === 'reject'}
              aria-describedby={blocked && !goneNotice ? 'decision-blocked' : undefined}
              onClick={() => submit('reject')}
            >
              Rejeter
            </Button>
          </Group>
          {blocked && !goneNotice && (
            <Text id="decision-blocked" className="decision-blocked" data-testid="decision-blocked">
              <Icon name="lock" size={14} /> {blocked}
            </Text>
          )}
        </Stack>
      )}
    </Paper>
  );
}

export function SafeguardPage() {
  const session = useSession();
  const [tab, setTab] = useState<Tab>('pending');
  const [historyFilter, setHistoryFilter] = useState<StatusFilter>('all');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  // The last known detail of the selected request: it stays shown when the request leaves the list.
  const [pinned, setPinned] = useState<SafeguardRequest | null>(null);
  // What this page learnt about requests decided here (the decision's answer).
  const [outcomes, setOutcomes] = useState<Record<string, SafeguardRequest>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const status: StatusFilter = tab === 'pending' ? 'pending' : historyFilter;
  const { requests, unavailable, error, live, updatedAt, reload, retrying } = useSafeguardRequests(status);
  const now = useNow(1000);

  // The selection is explicit and never moves by itself: the first request is picked only when
  // nothing was picked yet (a request that leaves the list stays selected, see `gone`).
  const firstId = requests?.[0]?.request_id ?? null;
  if (selectedId === null && pinned === null && firstId !== null) setSelectedId(firstId);
  const inList = selectedId === null ? null : (requests?.find((r) => r.request_id === selectedId) ?? null);
  if (inList && inList !== pinned) setPinned(inList);
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
          const remaining = Date.parse(request.expires_at ?? '') - now;
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
                </Group>
                <Text size="sm" c="dimmed">
                  {request.requested_for ? `Pour ${request.requested_for} · ` : ''}
                  {request.status === 'pending' ? formatCountdown(remaining) : formatDateTime(request.decided_at ?? request.created_at)}
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
