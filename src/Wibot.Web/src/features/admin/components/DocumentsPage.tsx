import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert } from '../../../components/ui/Alert';
import { Spinner } from '../../../components/ui/Spinner';
import { describeError } from '../../../lib/errors';
import { formatDateTime, formatNumber } from '../../../lib/format';
import type { RagDocument, RagIngestResponse } from '../../../lib/schemas';
import { listDocuments, reindexDocuments } from '../api/documents';

function useElapsed(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) return;
    setSeconds(0);
    const started = Date.now();
    const timer = window.setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 500);
    return () => window.clearInterval(timer);
  }, [running]);
  return seconds;
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
    <div className="ingest-result" data-testid="ingest-result">
      <Alert tone={errors.length ? 'warning' : 'success'}>
        Réindexation terminée en {formatDuration(result.duration_ms ?? 0)}
        {errors.length ? ` avec ${errors.length} erreur${errors.length > 1 ? 's' : ''}` : ''}.
      </Alert>
      <dl>
        {figures.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{formatNumber(value)}</dd>
          </div>
        ))}
      </dl>
      {errors.length > 0 && (
        <details open>
          <summary>Erreurs ({errors.length})</summary>
          <ul>
            {errors.map((e, i) => (
              <li key={`${e.path ?? ''}-${i}`}>
                <code>{e.path ?? '—'}</code> : {e.error ?? 'erreur inconnue'}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function tagsOf(document: RagDocument): string[] {
  return document.tags ?? [];
}

export function DocumentsPage() {
  const [documents, setDocuments] = useState<RagDocument[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<RagIngestResponse | null>(null);
  const elapsed = useElapsed(running);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      setDocuments(await listDocuments(signal));
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') return;
      setError(describeError(err, { 404: "L'index documentaire est indisponible sur ce serveur." }));
      setDocuments((current) => current ?? []);
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const totalChunks = useMemo(() => (documents ?? []).reduce((sum, d) => sum + (d.chunks ?? 0), 0), [documents]);

  const reindex = async () => {
    setRunning(true);
    setError(null);
    setResult(null);
    try {
      setResult(await reindexDocuments());
      await load();
    } catch (err) {
      setError(describeError(err, { 403: 'La réindexation est réservée aux administrateurs.' }));
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="page">
      <header className="page__header">
        <h1>Documents indexés</h1>
        <button type="button" className="btn btn--primary" onClick={() => void reindex()} disabled={running} aria-busy={running}>
          {running ? 'Réindexation…' : 'Réindexer'}
        </button>
      </header>
      <p className="muted">
        La base documentaire alimente les réponses de WIBOT (sources citées). La réindexation relit les fichiers et ne traite que
        ce qui a changé.
      </p>
      {running && (
        <div className="card" data-testid="ingest-progress">
          <Spinner label={`Réindexation en cours… ${elapsed} s`} />
        </div>
      )}
      {result && <IngestResult result={result} />}
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}

      <section className="card" aria-labelledby="documents-title">
        <h2 id="documents-title" className="card__title">
          Documents{' '}
          {documents && (
            <span className="muted">
              ({documents.length} — {formatNumber(totalChunks)} extraits)
            </span>
          )}
        </h2>
        {!documents ? (
          <Spinner />
        ) : documents.length === 0 ? (
          <p className="empty-state" data-testid="documents-empty">
            Aucun document indexé pour le moment.
          </p>
        ) : (
          <div className="table-wrap">
            <table className="table" aria-describedby="documents-title">
              <thead>
                <tr>
                  <th scope="col">Titre</th>
                  <th scope="col">Chemin</th>
                  <th scope="col">Type</th>
                  <th scope="col">Client</th>
                  <th scope="col">Étiquettes</th>
                  <th scope="col">Extraits</th>
                  <th scope="col">Indexé le</th>
                </tr>
              </thead>
              <tbody>
                {documents.map((document) => (
                  <tr key={document.document ?? document.path ?? ''}>
                    <td>
                      <strong>{document.title || document.document}</strong>
                    </td>
                    <td>
                      <code>{document.path}</code>
                    </td>
                    <td>{document.type ?? '—'}</td>
                    <td>{document.client ?? '—'}</td>
                    <td>
                      {tagsOf(document).map((tag) => (
                        <span key={tag} className="tag">
                          {tag}
                        </span>
                      ))}
                    </td>
                    <td>{formatNumber(document.chunks)}</td>
                    <td>{formatDateTime(document.indexed_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
