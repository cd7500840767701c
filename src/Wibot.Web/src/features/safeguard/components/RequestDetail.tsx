import { Button, Code, Group, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { Alert } from '@/components/ui/Alert';
import { Icon } from '@/components/ui/Icon';
import { ApiError } from '@/lib/api-client';
import { copyText } from '@/lib/clipboard';
import { describeError } from '@/lib/errors';
import { formatCountdown, formatDateTime } from '@/lib/format';
import type { SafeguardRequest } from '@/lib/schemas';
import { decisionBlockReason } from '../api/decision';
import { ORIGIN_LABELS, useDecideRequest } from '../api/safeguard';
import { ExecutionBadge, LevelBadge, StatusBadge } from './RequestBadges';

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

/** "agent externe (passerelle MCP) — agent-ops": where the request came from, and who raised it outside WIBOT. */
function describeOrigin(request: SafeguardRequest): string | null {
  const origin = request.origin;
  if (!origin) return null;
  const label = ORIGIN_LABELS[origin] ?? origin;
  return origin !== 'chat' && request.requested_by ? `${label} — ${request.requested_by}` : label;
}

/** The SHA-256 the approval is bound to, with a copy button. */
function ArgumentsBinding({ hash }: { hash: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await copyText(hash);
    setCopied(true);
    window.setTimeout(() => setCopied(false), 2000);
  };
  return (
    <div data-testid="request-binding">
      <Title order={3} size="h6" mt="sm" mb={4} id="request-binding-title">
        Empreinte des arguments (SHA-256)
      </Title>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code className="request-detail__hash" data-testid="request-arguments-sha256">
          {hash}
        </Code>
        <Button size="compact-xs" variant="subtle" onClick={() => void copy()} aria-label={copied ? 'Empreinte copiée' : "Copier l'empreinte"}>
          {copied ? 'Copié ✓' : 'Copier'}
        </Button>
      </Group>
      <Text size="xs" c="dimmed" mt={4}>
        L'action ne s'exécutera qu'avec exactement ces arguments (même serveur, même outil).
      </Text>
    </div>
  );
}

type Execution = NonNullable<SafeguardRequest['execution']>;

/** What happened when WIBOT ran the approved call (or refused to, after its last checks). */
function ExecutionSection({ execution }: { execution: Execution }) {
  const status = execution.status ?? '';
  const denied = status === 'denied';
  const excerpt = execution.result_excerpt?.trim() ? execution.result_excerpt : null;
  return (
    <div data-testid="request-execution" data-status={status}>
      <Group gap="sm" mt="md">
        <Title order={3} size="h6">
          Exécution
        </Title>
        <ExecutionBadge status={status} />
      </Group>
      {(execution.started_at || execution.finished_at) && (
        <dl className="request-detail__grid">
          {execution.started_at && (
            <>
              <dt>Démarrée le</dt>
              <dd>{formatDateTime(execution.started_at)}</dd>
            </>
          )}
          {execution.finished_at && (
            <>
              <dt>{denied ? 'Refusée le' : 'Terminée le'}</dt>
              <dd>{formatDateTime(execution.finished_at)}</dd>
            </>
          )}
        </dl>
      )}
      {denied ? (
        <div className="execution-denied" data-testid="execution-denied">
          <Text size="sm">L'action approuvée n'a pas été exécutée : une vérification faite juste avant a échoué.</Text>
          {excerpt && (
            <Text size="sm" fw={600} data-testid="execution-denied-reason">
              Motif : {excerpt}
            </Text>
          )}
        </div>
      ) : (
        excerpt && (
          <>
            <Title order={4} size="h6" mt="sm" mb={4}>
              {status === 'failed' ? "Extrait de l'erreur" : 'Extrait du résultat'}
            </Title>
            <Code block className="request-detail__result" data-testid="execution-result" tabIndex={0}>
              {excerpt}
            </Code>
          </>
        )
      )}
    </div>
  );
}

interface DetailProps {
  request: SafeguardRequest;
  now: number;
  accreditation: string | null | undefined;
  /** The signed-in user's name (to tell them they have already given one of the approvals). */
  username?: string | null;
  onDecided: (message: string, decided: SafeguardRequest | null) => void;
  /**
   * The request left the shown list (decided here or elsewhere, expired): its last known detail
   * stays on screen with this notice and disabled buttons until another one is picked.
   */
  goneNotice?: string | null;
}

/** One request of the queue or the history, with its approve / reject actions while it is pending. */
export function RequestDetail({ request, now, accreditation, username, onDecided, goneNotice = null }: DetailProps) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const decide = useDecideRequest();
  const id = request.request_id ?? '';
  const pending = request.status === 'pending';
  const remaining = Date.parse(request.expires_at ?? '') - now;
  const expired = pending && remaining <= 0;
  const blocked = pending ? (goneNotice ?? (expired ? 'Demande expirée' : decisionBlockReason({ ...request, already_approved: !!username && (request.approvals ?? []).some((a) => a.by === username) }, accreditation))) : null;
  const busy = decide.isPending ? decide.variables.kind : null;
  const origin = describeOrigin(request);

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
        // Under the two-person rule an approval may leave the request pending: the server says why.
        const stillPending = decided.status === 'pending';
        onDecided(
          stillPending ? (decided.message ?? `Approbation enregistrée : la demande ${id} attend une autre approbation.`) : kind === 'reject' ? `Demande ${id} rejetée.` : `Demande ${id} approuvée.`,
          decided,
        );
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
        {request.server && (
          <>
            <dt>Serveur</dt>
            <dd>
              <Code data-testid="request-server">{request.server}</Code>
            </dd>
          </>
        )}
        <dt>Motif</dt>
        <dd>{request.reason || '—'}</dd>
        {origin && (
          <>
            <dt>Origine</dt>
            <dd data-testid="request-origin" data-origin={request.origin}>
              {origin}
            </dd>
          </>
        )}
        {request.conversation_id && (
          <>
            <dt>Conversation</dt>
            <dd>
              <Code data-testid="request-conversation">{request.conversation_id}</Code>
            </dd>
          </>
        )}
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
        {(request.approvals_required ?? 1) > 1 && (
          <>
            <dt>Approbations</dt>
            <dd data-testid="request-approvals">
              {(request.approvals ?? []).length} / {request.approvals_required}
              {(request.approvals ?? []).map((a) => (
                <Text key={`${a.by}-${a.at}`} size="sm" c="dimmed">
                  {a.by}, le {formatDateTime(a.at)}
                  {a.comment ? ` — « ${a.comment} »` : ''}
                </Text>
              ))}
            </dd>
          </>
        )}
        {request.level_raised_from && (
          <>
            <dt>Niveau</dt>
            <dd data-testid="request-level-raised">
              relevé de {request.level_raised_from} à {request.level} (minimum fixé par WIBOT pour cet outil)
            </dd>
          </>
        )}
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
      {request.arguments_sha256 && <ArgumentsBinding hash={request.arguments_sha256} />}
      {request.execution?.status && <ExecutionSection execution={request.execution} />}

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
