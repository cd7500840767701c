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
import { HISTORY_FILTERS, STATUS_LABELS, approveRequest, rejectRequest, type StatusFilter } from '../api/safeguard';
import { useSafeguardRequests } from './useSafeguardRequests';

const LEVEL_HINTS: Record<string, string> = {
  L1: 'Niveau 1 : décision possible dès N1',
  L2: 'Niveau 2 : décision possible dès N2',
  L3: 'Niveau 3 : décision possible dès N3',
  L4: 'Niveau 4 : décision réservée au N4',
};

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
    return String(value);
  }
}

function LevelBadge({ level }: { level: string | null | undefined }) {
  const value = level ?? '?';
  return (
    <span className={`level level--${value.toLowerCase()}`} title={LEVEL_HINTS[value] ?? ''}>
      {value}
    </span>
  );
}

function StatusBadge({ status }: { status: string | null | undefined }) {
  const value = status ?? 'pending';
  return <span className={`status status--${value}`}>{STATUS_LABELS[value] ?? value}</span>;
}

interface DetailProps {
  request: SafeguardRequest;
  now: number;
  accreditation: string | null | undefined;
  onDecided: (message: string) => void;
}

function RequestDetail({ request, now, accreditation, onDecided }: DetailProps) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'approve' | 'reject' | null>(null);
  const id = request.request_id ?? '';
  const pending = request.status === 'pending';
  const remaining = Date.parse(request.expires_at ?? '') - now;
  const expired = pending && remaining <= 0;
  const blocked = pending ? (expired ? 'Demande expirée' : decisionBlockReason(request, accreditation)) : null;

  const decide = async (kind: 'approve' | 'reject') => {
    const text = comment.trim();
    if (kind === 'reject' && !text) {
      setError('Un commentaire est obligatoire pour rejeter une demande.');
      return;
    }
    setBusy(kind);
    setError(null);
    try {
      if (kind === 'reject') await rejectRequest({ request_id: id, comment: text });
      else await approveRequest(text ? { request_id: id, comment: text } : { request_id: id });
      setComment('');
      onDecided(kind === 'reject' ? `Demande ${id} rejetée.` : `Demande ${id} approuvée.`);
    } catch (err) {
      setError(
        describeError(err, {
          403: err instanceof ApiError && err.detail ? err.detail : "Votre niveau d'accréditation ne permet pas de décider cette demande.",
          409: err instanceof ApiError && err.detail ? err.detail : 'Cette demande a déjà été traitée ou a expiré.',
        }),
      );
    } finally {
      setBusy(null);
    }
  };

  return (
    <article className="card request-detail" aria-labelledby="request-detail-title" data-testid="request-detail" data-request-id={id}>
      <header className="request__head">
        <LevelBadge level={request.level} />
        <h2 id="request-detail-title" className="request-detail__title">
          {id}
        </h2>
        <StatusBadge status={request.status} />
      </header>
      <dl className="request-detail__grid">
        <dt>Outil</dt>
        <dd>
          <code className="request__tool">{request.tool ?? '—'}</code>
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
            <span className={remaining < 5 * 60_000 ? 'countdown countdown--soon' : 'countdown'} data-testid="countdown">
              {' '}
              <Icon name="clock" size={14} /> {formatCountdown(remaining)}
            </span>
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
      <h3 className="request-detail__subtitle">Arguments</h3>
      <pre className="request-detail__args" data-testid="request-arguments">
        {formatArguments(request.arguments)}
      </pre>

      {pending && (
        <div className="stack">
          {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
          <label className="field">
            <span className="field__label">Commentaire (obligatoire pour un rejet)</span>
            <textarea
              name="comment"
              rows={3}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              disabled={blocked !== null || busy !== null}
            />
          </label>
          <div className="form-actions form-actions--start">
            <button
              type="button"
              className="btn btn--success"
              disabled={blocked !== null || busy !== null}
              aria-describedby={blocked ? 'decision-blocked' : undefined}
              onClick={() => void decide('approve')}
            >
              {busy === 'approve' ? 'Approbation…' : 'Approuver'}
            </button>
            <button
              type="button"
              className="btn btn--danger"
              disabled={blocked !== null || busy !== null}
              aria-describedby={blocked ? 'decision-blocked' : undefined}
              onClick={() => void decide('reject')}
            >
              {busy === 'reject' ? 'Rejet…' : 'Rejeter'}
            </button>
          </div>
          {blocked && (
            <p id="decision-blocked" className="decision-blocked" data-testid="decision-blocked">
              <Icon name="lock" size={14} /> {blocked}
            </p>
          )}
        </div>
      )}
    </article>
  );
}

export function SafeguardPage() {
  const session = useSession();
  const [tab, setTab] = useState<Tab>('pending');
  const [historyFilter, setHistoryFilter] = useState<StatusFilter>('all');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const status: StatusFilter = tab === 'pending' ? 'pending' : historyFilter;
  const { requests, unavailable, error, live, updatedAt, reload, clearError } = useSafeguardRequests(status);
  const now = useNow(1000);

  const selected = requests?.find((r) => r.request_id === selectedId) ?? requests?.[0] ?? null;

  return (
    <div className="page">
      <header className="page__header">
        <h1>Safeguard — actions à valider</h1>
        <button type="button" className="btn btn--secondary" onClick={reload}>
          Actualiser
        </button>
      </header>
      <p className="muted">
        Les serveurs d'outils demandent ici l'autorisation d'exécuter des actions sensibles.{' '}
        <span className={live ? 'live live--on' : 'live'} data-testid="safeguard-live">
          {live ? 'Mises à jour en direct' : 'Actualisation automatique toutes les 10 secondes'}
        </span>
        {updatedAt && ` — dernière mise à jour à ${updatedAt.toLocaleTimeString('fr-FR')}`}.
      </p>

      <div className="tabs" role="tablist" aria-label="Demandes Safeguard">
        <button type="button" role="tab" aria-selected={tab === 'pending'} className="tabs__tab" onClick={() => setTab('pending')}>
          En attente
        </button>
        <button type="button" role="tab" aria-selected={tab === 'history'} className="tabs__tab" onClick={() => setTab('history')}>
          Historique
        </button>
        {tab === 'history' && (
          <label className="field field--inline tabs__filter">
            <span className="field__label">Statut</span>
            <select value={historyFilter} onChange={(e) => setHistoryFilter(e.target.value as StatusFilter)} name="status">
              {HISTORY_FILTERS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>

      {notice && (
        <Alert tone="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Alert>
      )}
      {error && <Alert onDismiss={clearError}>{error}</Alert>}

      {unavailable ? (
        <div data-testid="safeguard-unavailable">
          <Alert tone="info">Le module Safeguard est indisponible pour le moment sur ce serveur.</Alert>
        </div>
      ) : requests === null ? (
        <Spinner />
      ) : requests.length === 0 ? (
        <p className="empty-state" data-testid="safeguard-empty">
          {tab === 'pending' ? 'Aucune demande en attente pour le moment.' : 'Aucune demande dans l’historique pour ce filtre.'}
        </p>
      ) : (
        <div className="safeguard-layout">
          <ul className="request-list" aria-label="Demandes">
            {requests.map((request) => {
              const isSelected = selected?.request_id === request.request_id;
              const remaining = Date.parse(request.expires_at ?? '') - now;
              return (
                <li key={request.request_id} data-request-id={request.request_id}>
                  <button
                    type="button"
                    className={isSelected ? 'request-row request-row--selected' : 'request-row'}
                    aria-current={isSelected ? 'true' : undefined}
                    onClick={() => setSelectedId(request.request_id ?? null)}
                  >
                    <span className="request__head">
                      <LevelBadge level={request.level} />
                      <strong className="request__id">{request.request_id}</strong>
                      <code className="request__tool">{request.tool}</code>
                      <StatusBadge status={request.status} />
                    </span>
                    <span className="request-row__meta muted small">
                      {request.requested_for ? `Pour ${request.requested_for} · ` : ''}
                      {request.status === 'pending' ? formatCountdown(remaining) : formatDateTime(request.decided_at ?? request.created_at)}
                    </span>
                  </button>
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
              onDecided={(message) => {
                setNotice(message);
                reload();
              }}
            />
          )}
        </div>
      )}
    </div>
  );
}
