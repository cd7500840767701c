import { useEffect, useState, type FormEvent } from 'react';
import { Alert } from '../../../components/ui/Alert';
import { Spinner } from '../../../components/ui/Spinner';
import { describeError } from '../../../lib/errors';
import { formatDate, formatNumber, isoDay } from '../../../lib/format';
import type { AnalyticsResponse } from '../../../lib/schemas';
import { getAnalytics } from '../api/analytics';
import { BarChart } from './BarChart';
import { ColumnChart } from './ColumnChart';

const MODE_LABELS: Record<string, string> = { flash: 'Flash', code: 'Code', redaction: 'Rédaction' };

function currentMonth(): { from: string; to: string } {
  const now = new Date();
  return {
    from: isoDay(new Date(now.getFullYear(), now.getMonth(), 1)),
    to: isoDay(new Date(now.getFullYear(), now.getMonth() + 1, 0)),
  };
}

export function AnalyticsPage() {
  const [range, setRange] = useState(currentMonth);
  const [draft, setDraft] = useState(range);
  const [data, setData] = useState<AnalyticsResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    getAnalytics(range.from, range.to, controller.signal)
      .then((answer) => {
        setData(answer);
        setError(null);
      })
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError') return;
        setError(describeError(err));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [range]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    if (draft.from > draft.to) {
      setError('La date de début doit précéder la date de fin.');
      return;
    }
    setRange({ ...draft });
  };

  const totals = data?.totals;
  const cards: { key: string; label: string; value: number | undefined }[] = [
    { key: 'users', label: 'Utilisateurs', value: totals?.users },
    { key: 'active_users', label: 'Utilisateurs actifs', value: totals?.active_users },
    { key: 'conversations', label: 'Conversations', value: totals?.conversations },
    { key: 'messages', label: 'Messages', value: totals?.messages },
    { key: 'tokens', label: 'Tokens consommés', value: totals?.tokens },
  ];

  return (
    <div className="page">
      <header className="page__header">
        <h1>Statistiques d'utilisation</h1>
        <form className="inline-form" onSubmit={apply} aria-label="Période">
          <label className="field field--inline">
            <span className="field__label">Du</span>
            <input type="date" value={draft.from} onChange={(e) => setDraft((d) => ({ ...d, from: e.target.value }))} required />
          </label>
          <label className="field field--inline">
            <span className="field__label">au</span>
            <input type="date" value={draft.to} onChange={(e) => setDraft((d) => ({ ...d, to: e.target.value }))} required />
          </label>
          <button type="submit" className="btn btn--secondary">
            Afficher
          </button>
        </form>
      </header>
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
      {loading && !data && <Spinner />}
      {data && (
        <>
          <p className="muted">
            Période du {formatDate(data.period?.from)} au {formatDate(data.period?.to)}
            {loading && ' — mise à jour…'}
          </p>
          <section className="stat-cards" aria-label="Totaux">
            {cards.map((card) => (
              <div className="stat-card" key={card.key} data-stat={card.key}>
                <span className="stat-card__label">{card.label}</span>
                <span className="stat-card__value">{formatNumber(card.value)}</span>
              </div>
            ))}
          </section>
          <div className="grid-2">
            <section className="card">
              <h2 className="card__title">Messages par jour</h2>
              <ColumnChart
                caption="Messages par jour"
                unit="messages"
                bars={(data.by_day ?? []).map((d) => ({
                  label: formatDate(d.date).slice(0, 5),
                  value: d.messages ?? 0,
                  title: `${formatDate(d.date)} : ${formatNumber(d.messages)} messages, ${formatNumber(d.tokens)} tokens`,
                }))}
              />
            </section>
            <section className="card">
              <h2 className="card__title">Tokens par mode</h2>
              <BarChart
                caption="Tokens par mode"
                unit="tokens"
                bars={(data.by_mode ?? []).map((m) => ({
                  label: MODE_LABELS[m.mode ?? ''] ?? m.mode ?? '—',
                  value: m.tokens ?? 0,
                  title: `${MODE_LABELS[m.mode ?? ''] ?? m.mode ?? ''} : ${formatNumber(m.messages)} messages, ${formatNumber(m.tokens)} tokens`,
                }))}
              />
            </section>
            <section className="card">
              <h2 className="card__title">Utilisateurs les plus actifs</h2>
              {(data.top_users ?? []).length === 0 ? (
                <p className="muted">Aucune activité sur la période.</p>
              ) : (
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Utilisateur</th>
                      <th scope="col">Messages</th>
                      <th scope="col">Tokens</th>
                    </tr>
                  </thead>
                  <tbody>
                    {(data.top_users ?? []).map((u) => (
                      <tr key={u.user_id}>
                        <td>{u.username}</td>
                        <td>{formatNumber(u.messages)}</td>
                        <td>{formatNumber(u.tokens)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
            <section className="card">
              <h2 className="card__title">Quotas du mois</h2>
              {(data.quotas ?? []).length === 0 ? (
                <p className="muted">Aucun quota.</p>
              ) : (
                <ul className="quota-list">
                  {(data.quotas ?? []).map((q) => {
                    const used = q.used_tokens ?? 0;
                    const quota = q.quota_tokens ?? 0;
                    const pct = quota > 0 ? Math.min(100, Math.round((used / quota) * 100)) : 100;
                    return (
                      <li key={q.user_id}>
                        <div className="quota-list__head">
                          <span>{q.username}</span>
                          <span className="muted">
                            {formatNumber(used)} / {formatNumber(quota)} ({pct} %)
                          </span>
                        </div>
                        <div className={`gauge__track gauge__track--${pct >= 90 ? 'danger' : pct >= 70 ? 'warning' : 'ok'}`} aria-hidden="true">
                          <div className="gauge__fill" style={{ width: `${pct}%` }} />
                        </div>
                      </li>
                    );
                  })}
                </ul>
              )}
            </section>
          </div>
        </>
      )}
    </div>
  );
}
