import { useCallback, useEffect, useState } from 'react';
import { Icon } from '../../../components/ui/Icon';
import { Alert } from '../../../components/ui/Alert';
import { Modal } from '../../../components/ui/Modal';
import { Spinner } from '../../../components/ui/Spinner';
import { ApiError } from '../../../lib/api-client';
import { describeError } from '../../../lib/errors';
import { formatCountdown, formatDateTime } from '../../../lib/format';
import type { SafeguardRequest } from '../../../lib/pending-api-types';
import { STATUS_FILTERS, STATUS_LABELS, approveRequest, listRequests, rejectRequest, type StatusFilter } from '../api/safeguard';

const REFRESH_MS = 10_000;
const LEVEL_HINTS: Record<string, string> = {
  L1: 'Niveau 1 : décision possible dès N1',
  L2: 'Niveau 2 : décision possible dès N2',
  L3: 'Niveau 3 : décision possible dès N3',
  L4: 'Niveau 4 : décision réservée au N4',
};

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function formatArguments(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}

type Decision = { request: SafeguardRequest; kind: 'approve' | 'reject' };

function DecisionForm({ decision, onDone, onCancel }: { decision: Decision; onDone: (message: string) => void; onCancel: () => void }) {
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const isReject = decision.kind === 'reject';
  const id = decision.request.request_id;

  const submit = async () => {
    const text = comment.trim();
    if (isReject && !text) {
      setError('Un commentaire est obligatoire pour rejeter une demande.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      if (isReject) await rejectRequest({ request_id: id, comment: text });
      else await approveRequest(text ? { request_id: id, comment: text } : { request_id: id });
      onDone(isReject ? `Demande ${id} rejetée.` : `Demande ${id} approuvée.`);
    } catch (err) {
      setError(
        describeError(err, {
          403: err instanceof ApiError && err.detail ? err.detail : "Votre niveau d'accréditation ne permet pas de décider cette demande.",
          409: err instanceof ApiError && err.detail ? err.detail : 'Cette demande a déjà été traitée ou a expiré.',
        }),
      );
      setBusy(false);
    }
  };

  return (
    <form
      className="stack"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p>
        <strong>{decision.request.tool}</strong> — niveau {decision.request.level}
      </p>
      {error && <Alert>{error}</Alert>}
      <label className="field">
        <span className="field__label">{isReject ? 'Motif du rejet (obligatoire)' : 'Commentaire (optionnel)'}</span>
        <textarea name="comment" rows={3} value={comment} onChange={(e) => setComment(e.target.value)} required={isReject} autoFocus />
      </label>
      <div className="form-actions">
        <button type="button" className="btn btn--secondary" onClick={onCancel} disabled={busy}>
          Annuler
        </button>
        <button type="submit" className={isReject ? 'btn btn--danger' : 'btn btn--success'} disabled={busy}>
          {isReject ? 'Rejeter' : 'Approuver'}
        </button>
      </div>
    </form>
  );
}

export function SafeguardPage() {
  const [filter, setFilter] = useState<StatusFilter>('pending');
  const [requests, setRequests] = useState<SafeguardRequest[] | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [decision, setDecision] = useState<Decision | null>(null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const now = useNow(1000);

  const load = useCallback(async (status: StatusFilter, signal?: AbortSignal) => {
    try {
      const list = await listRequests(status, signal);
      setRequests(list);
      setUnavailable(false);
      setError(null);
      setUpdatedAt(new Date());
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      if (err instanceof ApiError && (err.status === 404 || err.status === 405 || err.status === 501)) {
        setUnavailable(true);
        setRequests([]);
      } else {
        setError(describeError(err));
      }
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    setRequests(null);
    void load(filter, controller.signal);
    const timer = window.setInterval(() => void load(filter, controller.signal), REFRESH_MS);
    return () => {
      controller.abort();
      window.clearInterval(timer);
    };
  }, [filter, load]);

  return (
    <div className="page">
      <header className="page__header">
        <h1>Safeguard — actions à valider</h1>
        <div className="inline-form">
          <label className="field field--inline">
            <span className="field__label">Statut</span>
            <select value={filter} onChange={(e) => setFilter(e.target.value as StatusFilter)} name="status">
              {STATUS_FILTERS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn btn--secondary" onClick={() => void load(filter)}>
            Actualiser
          </button>
        </div>
      </header>
      <p className="muted">
        Les serveurs d'outils demandent ici l'autorisation d'exécuter des actions sensibles. Actualisation automatique toutes
        les 10 secondes{updatedAt && ` — dernière mise à jour à ${updatedAt.toLocaleTimeString('fr-FR')}`}.
      </p>
      {notice && (
        <Alert tone="success" onDismiss={() => setNotice(null)}>
          {notice}
        </Alert>
      )}
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}

      {unavailable ? (
        <div data-testid="safeguard-unavailable">
          <Alert tone="info">Le module Safeguard est indisponible pour le moment sur ce serveur.</Alert>
        </div>
      ) : requests === null ? (
        <Spinner />
      ) : requests.length === 0 ? (
        <p className="empty-state" data-testid="safeguard-empty">
          Aucune demande {filter === 'all' ? '' : (STATUS_FILTERS.find((f) => f.value === filter)?.label.toLowerCase() ?? '')} pour le moment.
        </p>
      ) : (
        <ul className="request-list" aria-label="Demandes">
          {requests.map((request) => {
            const remaining = Date.parse(request.expires_at) - now;
            const pending = request.status === 'pending';
            return (
              <li key={request.request_id} className="card request" data-request-id={request.request_id}>
                <div className="request__head">
                  <span className={`level level--${String(request.level).toLowerCase()}`} title={LEVEL_HINTS[request.level] ?? ''}>
                    {request.level}
                  </span>
                  <strong className="request__id">{request.request_id}</strong>
                  <code className="request__tool">{request.tool}</code>
                  <span className={`status status--${request.status}`}>{STATUS_LABELS[request.status] ?? request.status}</span>
                  {pending && (
                    <span className={remaining < 5 * 60_000 ? 'countdown countdown--soon' : 'countdown'} title={`Expire le ${formatDateTime(request.expires_at)}`}>
                      <Icon name="clock" size={14} /> {formatCountdown(remaining)}
                    </span>
                  )}
                </div>
                {request.reason && <p className="request__reason">{request.reason}</p>}
                <details className="request__args">
                  <summary>Arguments</summary>
                  <pre>{formatArguments(request.arguments)}</pre>
                </details>
                <dl className="request__meta">
                  <div>
                    <dt>Demandée par</dt>
                    <dd>{request.requested_by ?? '—'}</dd>
                  </div>
                  {request.requested_for && (
                    <div>
                      <dt>Pour le compte de</dt>
                      <dd>{request.requested_for}</dd>
                    </div>
                  )}
                  <div>
                    <dt>Créée le</dt>
                    <dd>{formatDateTime(request.created_at)}</dd>
                  </div>
                  {request.decided_at && (
                    <div>
                      <dt>Décision</dt>
                      <dd>
                        {request.decided_by ?? '—'}, le {formatDateTime(request.decided_at)}
                        {request.comment && ` — « ${request.comment} »`}
                      </dd>
                    </div>
                  )}
                </dl>
                {pending && request.can_decide && remaining > 0 && (
                  <div className="form-actions">
                    <button type="button" className="btn btn--success" onClick={() => setDecision({ request, kind: 'approve' })}>
                      Approuver
                    </button>
                    <button type="button" className="btn btn--danger" onClick={() => setDecision({ request, kind: 'reject' })}>
                      Rejeter
                    </button>
                  </div>
                )}
                {pending && !request.can_decide && (
                  <p className="muted small">Votre niveau d'accréditation ne permet pas de décider cette demande.</p>
                )}
              </li>
            );
          })}
        </ul>
      )}

      <Modal
        open={decision !== null}
        title={decision ? `${decision.kind === 'approve' ? 'Approuver' : 'Rejeter'} la demande ${decision.request.request_id}` : ''}
        onClose={() => setDecision(null)}
      >
        {decision && (
          <DecisionForm
            key={`${decision.request.request_id}-${decision.kind}`}
            decision={decision}
            onCancel={() => setDecision(null)}
            onDone={(message) => {
              setDecision(null);
              setNotice(message);
              void load(filter);
            }}
          />
        )}
      </Modal>
    </div>
  );
}
