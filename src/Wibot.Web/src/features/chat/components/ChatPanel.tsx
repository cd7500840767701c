import { useEffect, useRef, useState, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import { Icon } from '../../../components/ui/Icon';
import { Alert } from '../../../components/ui/Alert';
import { Spinner } from '../../../components/ui/Spinner';
import { ApiError } from '../../../lib/api-client';
import { describeError } from '../../../lib/errors';
import { emit, on } from '../../../lib/events';
import { formatDate } from '../../../lib/format';
import type { MessageDto } from '../../../lib/schemas';
import { ACCEPT_ATTRIBUTE, checkAttachment } from '../api/attachments';
import { CHAT_MODES, getMessages, isRetryableChatError, sendChat, type ChatMode } from '../api/chat';
import { MessageView, type UiMessage } from './MessageView';

interface ChatPanelProps {
  conversationId: string | null;
  /** The server created a conversation for the first message: the page should now show it. */
  onConversationCreated: (id: string) => void;
}

interface Question {
  message: string;
  mode: ChatMode;
  file: File | null;
}

let localCounter = 0;
const localId = (prefix: string) => `${prefix}-${Date.now()}-${++localCounter}`;

function fromDto(dto: MessageDto): UiMessage {
  return {
    id: dto.message_id ?? localId('m'),
    role: dto.role === 'user' ? 'user' : 'assistant',
    content: dto.content ?? '',
    mode: dto.mode,
    createdAt: dto.created_at,
    attachmentName: dto.has_attachment ? (dto.attachment_name ?? 'pièce jointe') : null,
    tokensUsed: dto.tokens_used,
  };
}

const QUOTA_MESSAGE = 'Quota mensuel de tokens épuisé : contactez un administrateur pour obtenir des tokens supplémentaires.';

function chatErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.isQuotaExceeded) return QUOTA_MESSAGE;
    if (error.status === 413) return 'Fichier trop volumineux : 10 Mo maximum.';
    if (error.status === 415) return 'Type de fichier refusé. Formats acceptés : texte, log, Markdown, CSV, JSON, XML, YAML, code source, PDF et DOCX.';
    if (error.status === 404) return 'Conversation introuvable.';
    if (error.status === 429) return 'Trop de requêtes, réessayez dans quelques instants.';
    if (error.status >= 502 && error.status <= 504) return error.detail ?? 'Le modèle de langage est indisponible. Réessayez plus tard.';
  }
  return describeError(error);
}

export function ChatPanel({ conversationId, onConversationCreated }: ChatPanelProps) {
  const [messages, setMessages] = useState<UiMessage[]>([]);
  const [loading, setLoading] = useState(false);
  const [mode, setMode] = useState<ChatMode>('flash');
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [dragging, setDragging] = useState(false);
  const [quota, setQuota] = useState<{ exhausted: boolean; resetsAt: string | null } | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const stoppedRef = useRef(false);
  const dragDepthRef = useRef(0);
  const retryRef = useRef(new Map<string, { question: Question; userId: string }>());
  const adoptedIdRef = useRef<string | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const fileInputRef = useRef<HTMLInputElement>(null);
  const textareaRef = useRef<HTMLTextAreaElement>(null);

  // Load the history when another conversation is selected (not when the one we are streaming
  // into was just created by the server).
  useEffect(() => {
    if (conversationId && conversationId === adoptedIdRef.current) return;
    adoptedIdRef.current = null;
    abortRef.current?.abort();
    setError(null);
    if (!conversationId) {
      setMessages([]);
      textareaRef.current?.focus();
      return;
    }
    const controller = new AbortController();
    setLoading(true);
    setMessages([]);
    getMessages(conversationId, controller.signal)
      .then((answer) => {
        const list = (answer.messages ?? []).map(fromDto);
        setMessages(list);
        const lastMode = [...list].reverse().find((m) => m.mode)?.mode;
        if (lastMode === 'flash' || lastMode === 'code' || lastMode === 'redaction') setMode(lastMode);
      })
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError') return;
        setError(describeError(err, { 404: 'Conversation introuvable ou supprimée.' }));
      })
      .finally(() => {
        if (!controller.signal.aborted) setLoading(false);
      });
    return () => controller.abort();
  }, [conversationId]);

  useEffect(() => () => abortRef.current?.abort(), []);
  useEffect(() => on('tokens:balance', (balance) => setQuota(balance)), []);

  // Keep the newest text in view while it streams.
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages]);

  const pickFile = (picked: File | null) => {
    if (fileInputRef.current) fileInputRef.current.value = '';
    if (!picked) return;
    const problem = checkAttachment(picked);
    if (problem) {
      setError(problem);
      setFile(null);
      return;
    }
    setError(null);
    setFile(picked);
  };

  const ask = async (question: Question) => {
    const { message, mode: askedMode, file: sentFile } = question;
    const userMessage: UiMessage = {
      id: localId('u'),
      role: 'user',
      content: message,
      mode: askedMode,
      createdAt: new Date().toISOString(),
      attachmentName: sentFile?.name ?? null,
    };
    const assistantId = localId('a');
    const assistant: UiMessage = { id: assistantId, role: 'assistant', content: '', mode: askedMode, streaming: true };
    const update = (change: (m: UiMessage) => UiMessage) =>
      setMessages((list) => list.map((m) => (m.id === assistantId ? change(m) : m)));

    setMessages((list) => [...list, userMessage, assistant]);
    setError(null);
    setSending(true);
    const controller = new AbortController();
    abortRef.current = controller;
    stoppedRef.current = false;
    let createdId: string | null = null;

    try {
      await sendChat(
        { message, mode: askedMode, conversationId, file: sentFile },
        {
          onMeta: (meta) => {
            if (!conversationId && meta.conversation_id) createdId = meta.conversation_id;
          },
          onDelta: (delta) => update((m) => ({ ...m, content: m.content + delta })),
          onSources: (sources) => update((m) => ({ ...m, sources })),
          onDone: (done) =>
            update((m) => ({ ...m, streaming: false, tokensUsed: done.tokens_used ?? null, createdAt: new Date().toISOString() })),
        },
        controller.signal,
      );
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') {
        // Stopped by the user (the partial text stays) or left for another conversation.
        update((m) => ({ ...m, streaming: false, stopped: stoppedRef.current }));
      } else if (isRetryableChatError(err)) {
        retryRef.current.set(assistantId, { question, userId: userMessage.id });
        update((m) => ({ ...m, streaming: false, failed: chatErrorMessage(err) }));
      } else {
        // Nothing was answered: the question goes back into the input (when no conversation was
        // created for it) instead of staying in the thread.
        const giveBack = !createdId;
        setMessages((list) => list.filter((m) => (m.id !== assistantId || m.content) && !(giveBack && m.id === userMessage.id)));
        update((m) => ({ ...m, streaming: false }));
        setError(chatErrorMessage(err));
        if (giveBack) {
          setText((current) => current || message);
          if (sentFile) setFile((current) => current ?? sentFile);
        }
      }
    } finally {
      abortRef.current = null;
      setSending(false);
      emit('tokens:changed');
      emit('conversations:changed');
      if (createdId && (!controller.signal.aborted || stoppedRef.current)) {
        adoptedIdRef.current = createdId;
        onConversationCreated(createdId);
      }
      textareaRef.current?.focus();
    }
  };

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    const message = text.trim();
    if (!message || sending) return;
    if (file) {
      const problem = checkAttachment(file);
      if (problem) {
        setError(problem);
        return;
      }
    }
    const question: Question = { message, mode, file };
    setText('');
    setFile(null);
    await ask(question);
  };

  /** Sends the question of a failed answer again, in place of the failed pair. */
  const retry = (assistantId: string) => {
    const entry = retryRef.current.get(assistantId);
    if (!entry || sending) return;
    retryRef.current.delete(assistantId);
    setMessages((list) => list.filter((m) => m.id !== assistantId && m.id !== entry.userId));
    void ask(entry.question);
  };

  const stop = () => {
    stoppedRef.current = true;
    abortRef.current?.abort();
  };

  const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');
  const onDragEnter = (event: DragEvent<HTMLElement>) => {
    if (!hasFiles(event) || sending) return;
    event.preventDefault();
    dragDepthRef.current += 1;
    setDragging(true);
  };
  const onDragOver = (event: DragEvent<HTMLElement>) => {
    if (!hasFiles(event) || sending) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  };
  const onDragLeave = (event: DragEvent<HTMLElement>) => {
    if (!hasFiles(event)) return;
    dragDepthRef.current = Math.max(0, dragDepthRef.current - 1);
    if (dragDepthRef.current === 0) setDragging(false);
  };
  const onDrop = (event: DragEvent<HTMLElement>) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragDepthRef.current = 0;
    setDragging(false);
    if (sending) return;
    const files = event.dataTransfer.files;
    if (files.length > 1) {
      setError('Un seul fichier peut être joint à la fois.');
      return;
    }
    pickFile(files[0] ?? null);
    textareaRef.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <section
      className="chat"
      aria-label="Discussion"
      onDragEnter={onDragEnter}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      {dragging && (
        <div className="chat__dropzone" data-testid="dropzone">
          <Icon name="paperclip" size={22} /> Déposez le fichier pour le joindre
        </div>
      )}
      <div className="chat__messages" ref={listRef} aria-live="polite" aria-busy={sending}>
        {loading && <Spinner label="Chargement des messages…" />}
        {!loading && messages.length === 0 && (
          <div className="chat__welcome">
            <h2>Bonjour, comment puis-je vous aider ?</h2>
            <p className="muted">
              Choisissez un mode, posez votre question ou joignez un journal (log) ou un document à analyser.
            </p>
          </div>
        )}
        {messages.map((message) => (
          <MessageView
            key={message.id}
            message={message}
            onRetry={message.failed && !sending ? () => retry(message.id) : undefined}
          />
        ))}
      </div>

      <form className="composer" onSubmit={(e) => void send(e)}>
        {quota?.exhausted && error !== QUOTA_MESSAGE && (
          <div className="quota-banner" data-testid="quota-banner">
            <Alert tone="warning">
              Votre quota mensuel de tokens est épuisé
              {quota.resetsAt ? ` : il sera réinitialisé le ${formatDate(quota.resetsAt)}` : ''}. Un administrateur peut vous
              en attribuer davantage.
            </Alert>
          </div>
        )}
        {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
        <div className="composer__toolbar">
          <fieldset className="segmented">
            <legend className="sr-only">Mode de réponse</legend>
            {CHAT_MODES.map((m) => (
              <label key={m.value} className={mode === m.value ? 'segmented__item segmented__item--active' : 'segmented__item'}>
                <input
                  type="radio"
                  name="mode"
                  value={m.value}
                  checked={mode === m.value}
                  onChange={() => setMode(m.value)}
                  disabled={sending}
                />
                <span>
                  <span aria-hidden="true">{m.icon}</span> {m.label}
                </span>
                <span className="segmented__hint">{m.hint}</span>
              </label>
            ))}
          </fieldset>
          <div className="composer__attach">
            <input
              ref={fileInputRef}
              id="chat-file"
              type="file"
              className="sr-only"
              accept={ACCEPT_ATTRIBUTE}
              onChange={(e) => pickFile(e.target.files?.[0] ?? null)}
              disabled={sending}
            />
            <label htmlFor="chat-file" className="btn btn--ghost btn--small" aria-disabled={sending}>
              <Icon name="paperclip" /> Joindre un fichier
            </label>
            {file && (
              <span className="file-chip" data-testid="attached-file">
                {file.name} ({Math.max(1, Math.round(file.size / 1024))} Ko)
                <button type="button" className="icon-btn" onClick={() => setFile(null)} aria-label={`Retirer ${file.name}`}>
                  ×
                </button>
              </span>
            )}
          </div>
        </div>
        <div className="composer__row">
          <label htmlFor="chat-input" className="sr-only">
            Votre message
          </label>
          <textarea
            id="chat-input"
            ref={textareaRef}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
            placeholder="Écrivez votre message… (Entrée pour envoyer, Maj+Entrée pour un retour à la ligne)"
            rows={3}
            maxLength={32000}
          />
          {sending ? (
            <button type="button" className="btn btn--secondary" onClick={stop} title="Arrêter la génération (le texte déjà reçu est conservé)">
              <Icon name="stop" size={14} /> Arrêter
            </button>
          ) : (
            <button type="submit" className="btn btn--primary" disabled={!text.trim()}>
              Envoyer
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
