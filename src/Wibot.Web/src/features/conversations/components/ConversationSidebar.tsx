import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Icon } from '../../../components/ui/Icon';
import { Alert } from '../../../components/ui/Alert';
import { ConfirmDialog } from '../../../components/ui/ConfirmDialog';
import { Spinner } from '../../../components/ui/Spinner';
import { describeError } from '../../../lib/errors';
import { emit, on } from '../../../lib/events';
import { formatDateTime } from '../../../lib/format';
import type { ConversationDto } from '../../../lib/schemas';
import { deleteConversation, listConversations, renameConversation } from '../api/conversations';

interface ConversationSidebarProps {
  selectedId: string | null;
  onSelect: (id: string) => void;
  onNew: () => void;
  /** Called after the selected conversation was deleted. */
  onDeleted: (id: string) => void;
}

export function ConversationSidebar({ selectedId, onSelect, onNew, onDeleted }: ConversationSidebarProps) {
  const [conversations, setConversations] = useState<ConversationDto[]>([]);
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [draftTitle, setDraftTitle] = useState('');
  const [toDelete, setToDelete] = useState<ConversationDto | null>(null);
  const [busy, setBusy] = useState(false);
  const editInput = useRef<HTMLInputElement>(null);

  const load = useCallback(async () => {
    try {
      const answer = await listConversations();
      setConversations(answer.conversations ?? []);
      setNextBefore(answer.next_before ?? null);
      setError(null);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
    return on('conversations:changed', () => void load());
  }, [load]);

  useEffect(() => {
    if (editingId) editInput.current?.focus();
  }, [editingId]);

  const loadMore = async () => {
    if (!nextBefore) return;
    try {
      const answer = await listConversations(nextBefore);
      setConversations((list) => [...list, ...(answer.conversations ?? [])]);
      setNextBefore(answer.next_before ?? null);
    } catch (err) {
      setError(describeError(err));
    }
  };

  const startRename = (conversation: ConversationDto) => {
    setEditingId(conversation.conversation_id ?? null);
    setDraftTitle(conversation.title ?? '');
  };

  const submitRename = async (event: FormEvent) => {
    event.preventDefault();
    const id = editingId;
    const title = draftTitle.trim();
    if (!id) return;
    if (!title) {
      setError('Le titre ne peut pas être vide.');
      return;
    }
    setBusy(true);
    try {
      await renameConversation(id, title);
      setConversations((list) => list.map((c) => (c.conversation_id === id ? { ...c, title } : c)));
      setEditingId(null);
      setError(null);
      emit('conversations:changed');
    } catch (err) {
      setError(describeError(err, { 404: 'Conversation introuvable.' }));
    } finally {
      setBusy(false);
    }
  };

  const confirmDelete = async () => {
    const id = toDelete?.conversation_id;
    if (!id) return;
    setBusy(true);
    try {
      await deleteConversation(id);
      setConversations((list) => list.filter((c) => c.conversation_id !== id));
      setToDelete(null);
      setError(null);
      onDeleted(id);
    } catch (err) {
      setToDelete(null);
      setError(describeError(err, { 404: 'Conversation introuvable.' }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside className="sidebar" aria-label="Conversations">
      <button type="button" className="btn btn--primary btn--block" onClick={onNew}>
        + Nouvelle conversation
      </button>
      {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
      {loading ? (
        <Spinner />
      ) : conversations.length === 0 ? (
        <p className="muted sidebar__empty">Aucune conversation pour le moment.</p>
      ) : (
        <ul className="conv-list" aria-label="Vos conversations">
          {conversations.map((conversation) => {
            const id = conversation.conversation_id ?? '';
            const active = id === selectedId;
            const title = conversation.title || 'Sans titre';
            return (
              <li key={id} className={active ? 'conv conv--active' : 'conv'} data-conversation-id={id}>
                {editingId === id ? (
                  <form className="conv__edit" onSubmit={(e) => void submitRename(e)}>
                    <label className="sr-only" htmlFor={`rename-${id}`}>
                      Nouveau titre
                    </label>
                    <input
                      id={`rename-${id}`}
                      ref={editInput}
                      value={draftTitle}
                      maxLength={200}
                      onChange={(e) => setDraftTitle(e.target.value)}
                      onKeyDown={(e) => {
                        if (e.key === 'Escape') setEditingId(null);
                      }}
                    />
                    <button type="submit" className="btn btn--primary btn--small" disabled={busy}>
                      Enregistrer
                    </button>
                    <button type="button" className="btn btn--ghost btn--small" onClick={() => setEditingId(null)}>
                      Annuler
                    </button>
                  </form>
                ) : (
                  <>
                    <button
                      type="button"
                      className="conv__open"
                      onClick={() => onSelect(id)}
                      aria-current={active ? 'true' : undefined}
                    >
                      <span className="conv__title" title={title}>
                        {title}
                      </span>
                      <span className="conv__meta">
                        {formatDateTime(conversation.updated_at)} · {conversation.message_count ?? 0} msg
                      </span>
                    </button>
                    <div className="conv__actions">
                      <button
                        type="button"
                        className="icon-btn"
                        onClick={() => startRename(conversation)}
                        aria-label={`Renommer la conversation ${title}`}
                        title="Renommer"
                      >
                        <Icon name="pencil" />
                      </button>
                      <button
                        type="button"
                        className="icon-btn icon-btn--danger"
                        onClick={() => setToDelete(conversation)}
                        aria-label={`Supprimer la conversation ${title}`}
                        title="Supprimer"
                      >
                        <Icon name="trash" />
                      </button>
                    </div>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {nextBefore && (
        <button type="button" className="btn btn--ghost btn--block" onClick={() => void loadMore()}>
          Afficher plus
        </button>
      )}
      <ConfirmDialog
        open={toDelete !== null}
        title="Supprimer la conversation ?"
        confirmLabel="Supprimer"
        danger
        busy={busy}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setToDelete(null)}
      >
        <p>
          « {toDelete?.title || 'Sans titre'} » et tous ses messages seront définitivement supprimés.
        </p>
      </ConfirmDialog>
    </aside>
  );
}
