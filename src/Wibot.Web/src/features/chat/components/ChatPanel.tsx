import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Icon } from '../../../components/ui/Icon';
import { Alert } from '../../../components/ui/Alert';
import { Spinner } from '../../../components/ui/Spinner';
import { ApiError } from '../../../lib/api-client';
import { describeError } from '../../../lib/errors';
import { emit } from '../../../lib/events';
import type { MessageDto } from '../../../lib/schemas';
import { ACCEPT_ATTRIBUTE, checkAttachment } from '../api/attachments';
import { CHAT_MODES, getMessages, sendChat, type ChatMode } from '../api/chat';
import { MessageView, type UiMessage } from './MessageView';

interface ChatPanelProps {
  conversationId: string | null;
  /** The server created a conversation for the first message: the page should now show it. */
  onConversationCreated: (id: string) => void;
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

function chatErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.isQuotaExceeded) return 'Quota mensuel atteint : contactez un administrateur pour obtenir des tokens supplémentaires.';
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
  const abortRef = useRef<AbortController | null>(null);
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
    const userMessage: UiMessage = {
      id: localId('u'),
      role: 'user',
      content: message,
      mode,
      createdAt: new Date().toISOString(),
      attachmentName: file?.name ?? null,
    };
    const assistantId = localId('a');
    const assistant: UiMessage = { id: assistantId, role: 'assistant', content: '', mode, streaming: true };
    const update = (change: (m: UiMessage) => UiMessage) =>
      setMessages((list) => list.map((m) => (m.id === assistantId ? change(m) : m)));

    setMessages((list) => [...list, userMessage, assistant]);
    setText('');
    setError(null);
    setSending(true);
    const controller = new AbortController();
    abortRef.current = controller;
    const sentFile = file;
    setFile(null);
    let createdId: string | null = null;

    try {
      await sendChat(
        { message, mode, conversationId, file: sentFile },
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
        update((m) => ({ ...m, streaming: false, content: m.content || '_Réponse interrompue._' }));
      } else {
        setMessages((list) => list.filter((m) => m.id !== assistantId || m.content));
        update((m) => ({ ...m, streaming: false }));
        setError(chatErrorMessage(err));
        if (!createdId) {
          setText((current) => current || message);
          if (sentFile) setFile(sentFile);
        }
      }
    } finally {
      abortRef.current = null;
      setSending(false);
      emit('tokens:changed');
      emit('conversations:changed');
      if (createdId && !controller.signal.aborted) {
        adoptedIdRef.current = createdId;
        onConversationCreated(createdId);
      }
      textareaRef.current?.focus();
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <section className="chat" aria-label="Discussion">
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
          <MessageView key={message.id} message={message} />
        ))}
      </div>

      <form className="composer" onSubmit={(e) => void send(e)}>
        {error && <Alert onDismiss={() => setError(null)}>{error}</Alert>}
        <div className="composer__toolbar">
          <fieldset className="segmented">
            <legend className="sr-only">Mode de réponse</legend>
            {CHAT_MODES.map((m) => (
              <label key={m.value} className={mode === m.value ? 'segmented__item segmented__item--active' : 'segmented__item'} title={m.hint}>
                <input
                  type="radio"
                  name="mode"
                  value={m.value}
                  checked={mode === m.value}
                  onChange={() => setMode(m.value)}
                  disabled={sending}
                />
                {m.label}
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
            <button type="button" className="btn btn--secondary" onClick={() => abortRef.current?.abort()}>
              Arrêter
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
