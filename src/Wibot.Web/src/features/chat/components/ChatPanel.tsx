import { ActionIcon, Button, FileButton, Group, SegmentedControl, Stack, Text, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState, type DragEvent, type FormEvent, type KeyboardEvent } from 'react';
import { Alert } from '../../../components/ui/Alert';
import { Icon } from '../../../components/ui/Icon';
import { Spinner } from '../../../components/ui/Spinner';
import { ApiError } from '../../../lib/api-client';
import { describeError } from '../../../lib/errors';
import { formatDate } from '../../../lib/format';
import type { MessageDto } from '../../../lib/schemas';
import { ACCEPT_ATTRIBUTE, checkAttachment } from '../api/attachments';
import { CHAT_MODES, appendExchange, chatKeys, isRetryableChatError, messagesQueryOptions, quotaRefusal, sendChat, type ChatMode } from '../api/chat';
import { mergeThread } from '../api/thread';
import { MessageView, type UiMessage } from './MessageView';

export interface QuotaState {
  exhausted: boolean;
  resetsAt: string | null;
}

interface ChatPanelProps {
  conversationId: string | null;
  /** The server created a conversation for the first message: the page should now show it. */
  onConversationCreated: (id: string) => void;
  /** An answer ended (done, failed or stopped): the conversation list and the token balance may have changed. */
  onAnswerSettled?: () => void;
  /** The caller's monthly quota, for the banner shown when it is spent. */
  quota?: QuotaState | null;
}

interface Question {
  message: string;
  mode: ChatMode;
  file: File | null;
}

/** What this panel added to the shown conversation since it was opened (in-flight, failed, stopped answers…). */
interface LocalThread {
  /** The conversation these messages belong to (null: a new conversation, not created yet). */
  conversationId: string | null;
  /** The conversation the server created for the first message, once known. */
  createdId: string | null;
  messages: UiMessage[];
}

const EMPTY_THREAD: LocalThread = { conversationId: null, createdId: null, messages: [] };

let localCounter = 0;
const localId = (prefix: string) => `${prefix}-${Date.now()}-${++localCounter}`;

function fromDto(dto: MessageDto, index: number): UiMessage {
  return {
    id: dto.message_id ?? `history-${index}`,
    role: dto.role === 'user' ? 'user' : 'assistant',
    content: dto.content ?? '',
    mode: dto.mode,
    createdAt: dto.created_at,
    attachmentName: dto.has_attachment ? (dto.attachment_name ?? 'pièce jointe') : null,
    tokensUsed: dto.tokens_used,
  };
}

function toDto(message: UiMessage): MessageDto {
  return {
    message_id: message.serverId ?? message.id,
    role: message.role,
    content: message.content,
    mode: isChatMode(message.mode) ? message.mode : null,
    tokens_used: message.tokensUsed ?? 0,
    created_at: message.createdAt ?? new Date().toISOString(),
    has_attachment: Boolean(message.attachmentName),
    attachment_name: message.attachmentName ?? null,
  };
}

function isChatMode(value: string | null | undefined): value is ChatMode {
  return value === 'flash' || value === 'code' || value === 'redaction';
}

function chatErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 413) return 'Fichier trop volumineux : 10 Mo maximum.';
    if (error.status === 415) return 'Type de fichier refusé. Formats acceptés : texte, log, Markdown, CSV, JSON, XML, YAML, code source, PDF et DOCX.';
    if (error.status === 404) return 'Conversation introuvable.';
    if (error.status === 429) return 'Trop de requêtes, réessayez dans quelques instants.';
    if (error.status >= 502 && error.status <= 504) return error.detail ?? 'Le modèle de langage est indisponible. Réessayez plus tard.';
  }
  return describeError(error);
}

export function ChatPanel({ conversationId, onConversationCreated, onAnswerSettled, quota }: ChatPanelProps) {
  const queryClient = useQueryClient();
  const [sending, setSending] = useState(false);
  // Another tab's messages are read on focus, but not while an answer streams into this one.
  const history = useQuery({ ...messagesQueryOptions(conversationId ?? ''), enabled: conversationId !== null, refetchOnWindowFocus: !sending });
  const [thread, setThread] = useState<LocalThread>(EMPTY_THREAD);
  const [shownId, setShownId] = useState(conversationId);
  const [modeChoice, setModeChoice] = useState<ChatMode | null>(null);
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [quotaRefused, setQuotaRefused] = useState(false);
  /** The polite status line read by screen readers (the message list itself is not live). */
  const [status, setStatus] = useState('');
  const [dragging, setDragging] = useState(false);
  const abortRef = useRef<AbortController | null>(null);
  const stoppedRef = useRef(false);
  const dragDepthRef = useRef(0);
  const retryRef = useRef(new Map<string, { question: Question; userId: string }>());
  const adoptedIdRef = useRef<string | null>(null);
  const listRef = useRef<HTMLDivElement>(null);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const resetFileRef = useRef<() => void>(null);

  // Another conversation was selected: start afresh (but keep the thread the server just created
  // a conversation for: the page navigates to it while its answer is shown).
  if (shownId !== conversationId) {
    setShownId(conversationId);
    if (!conversationId || conversationId !== thread.createdId) {
      setThread(EMPTY_THREAD);
      setModeChoice(null);
      setError(null);
      setQuotaRefused(false);
      setStatus('');
    }
  }

  // Leaving a conversation stops its stream; a new conversation gets the focus.
  useEffect(() => {
    if (conversationId && conversationId === adoptedIdRef.current) return;
    adoptedIdRef.current = null;
    abortRef.current?.abort();
    if (!conversationId) textareaRef.current?.focus();
  }, [conversationId]);

  useEffect(() => () => abortRef.current?.abort(), []);

  const historyMessages = useMemo(() => (history.data?.messages ?? []).map(fromDto), [history.data]);
  const messages = useMemo(() => mergeThread(historyMessages, thread.messages), [historyMessages, thread.messages]);
  const lastMode = [...historyMessages].reverse().find((m) => isChatMode(m.mode))?.mode;
  const mode: ChatMode = modeChoice ?? (isChatMode(lastMode) ? lastMode : 'flash');
  const loading = conversationId !== null && history.isPending && thread.messages.length === 0;
  const historyError =
    history.isError && thread.messages.length === 0 ? describeError(history.error, { 404: 'Conversation introuvable ou supprimée.' }) : null;
  const shownError = quotaRefused ? quotaRefusal(quota?.resetsAt) : (error ?? historyError);

  // Keep the newest text in view while it streams.
  useEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages]);

  const pickFile = (picked: File | null) => {
    resetFileRef.current?.();
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
    userMessage.answerId = assistantId;
    const assistant: UiMessage = { id: assistantId, role: 'assistant', content: '', mode: askedMode, streaming: true };
    const update = (change: (m: UiMessage) => UiMessage) =>
      setThread((t) => ({ ...t, messages: t.messages.map((m) => (m.id === assistantId ? change(m) : m)) }));

    setThread((t) => ({ ...t, conversationId, messages: [...t.messages, userMessage, assistant] }));
    setError(null);
    setQuotaRefused(false);
    setSending(true);
    setStatus('Réponse en cours…');
    const controller = new AbortController();
    abortRef.current = controller;
    stoppedRef.current = false;
    let createdId: string | null = null;
    // What the stream delivered, kept here too: state updaters run later, at render time.
    const streamed = { content: '', tokensUsed: null as number | null, done: false, serverId: null as string | null };

    try {
      await sendChat(
        { message, mode: askedMode, conversationId, file: sentFile },
        {
          onMeta: (meta) => {
            const serverId = meta.message_id ?? null;
            if (serverId) {
              streamed.serverId = serverId;
              update((m) => ({ ...m, serverId }));
            }
            if (!conversationId && meta.conversation_id) {
              createdId = meta.conversation_id;
              const id = createdId;
              setThread((t) => ({ ...t, createdId: id }));
            }
          },
          onDelta: (delta) => {
            streamed.content += delta;
            update((m) => ({ ...m, content: m.content + delta }));
          },
          onSources: (sources) => update((m) => ({ ...m, sources })),
          onDone: (done) => {
            streamed.done = true;
            streamed.tokensUsed = done.tokens_used ?? null;
            update((m) => ({ ...m, streaming: false, tokensUsed: done.tokens_used ?? null, createdAt: new Date().toISOString() }));
            setStatus('Réponse terminée.');
          },
        },
        controller.signal,
      );
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') {
        // Stopped by the user (the partial text stays) or left for another conversation.
        update((m) => ({ ...m, streaming: false, stopped: stoppedRef.current }));
        setStatus(stoppedRef.current ? 'Génération arrêtée.' : '');
      } else if (isRetryableChatError(err)) {
        retryRef.current.set(assistantId, { question, userId: userMessage.id });
        update((m) => ({ ...m, streaming: false, failed: chatErrorMessage(err) }));
        setStatus(`La réponse a échoué : ${chatErrorMessage(err)}`);
      } else {
        // Nothing was answered: the question goes back into the input (when no conversation was
        // created for it) instead of staying in the thread.
        const giveBack = !createdId;
        setThread((t) => ({
          ...t,
          messages: t.messages
            .filter((m) => (m.id !== assistantId || m.content) && !(giveBack && m.id === userMessage.id))
            .map((m) => (m.id === assistantId ? { ...m, streaming: false } : m)),
        }));
        if (err instanceof ApiError && err.isQuotaExceeded) setQuotaRefused(true);
        else setError(chatErrorMessage(err));
        setStatus('');
        if (giveBack) {
          setText((current) => current || message);
          if (sentFile) setFile((current) => current ?? sentFile);
        }
      }
    } finally {
      abortRef.current = null;
      setSending(false);
      const target = conversationId ?? createdId;
      if (target) {
        // The finished exchange goes into the cached history; anything else means the server's
        // copy differs from what is shown (a stored question, a partial answer): reload next visit.
        if (streamed.done) {
          const answer: UiMessage = { ...assistant, serverId: streamed.serverId, content: streamed.content, tokensUsed: streamed.tokensUsed, streaming: false };
          appendExchange(queryClient, target, [toDto(userMessage), toDto(answer)]);
        }
        else void queryClient.invalidateQueries({ queryKey: chatKeys.messages(target), refetchType: 'none' });
      }
      onAnswerSettled?.();
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
    setThread((t) => ({ ...t, messages: t.messages.filter((m) => m.id !== assistantId && m.id !== entry.userId) }));
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
    if (sending) {
      setError('Attendez la fin de la réponse pour joindre un fichier.');
      return;
    }
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
      <p className="sr-only" role="status" aria-live="polite" data-testid="chat-status">
        {status}
      </p>
      <div className="chat__messages" ref={listRef}>
        {loading && <Spinner label="Chargement des messages…" />}
        {!loading && messages.length === 0 && (
          <Stack className="chat__welcome" gap="xs" align="center">
            <Title order={2}>Bonjour, comment puis-je vous aider ?</Title>
            <Text c="dimmed">Choisissez un mode, posez votre question ou joignez un journal (log) ou un document à analyser.</Text>
          </Stack>
        )}
        {messages.map((message) => (
          <MessageView key={message.id} message={message} onRetry={message.failed && !sending ? () => retry(message.id) : undefined} />
        ))}
      </div>

      <form className="composer" onSubmit={(e) => void send(e)}>
        <Stack gap="xs">
          {quota?.exhausted && !quotaRefused && (
            <div data-testid="quota-banner">
              <Alert tone="warning">
                Votre quota mensuel de tokens est épuisé
                {quota.resetsAt ? ` : il sera réinitialisé le ${formatDate(quota.resetsAt)}` : ''}. Un administrateur peut vous en
                attribuer davantage.
              </Alert>
            </div>
          )}
          {shownError && (
            <Alert
              onDismiss={() => {
                setError(null);
                setQuotaRefused(false);
              }}
            >
              {shownError}
            </Alert>
          )}
          <Group justify="space-between" gap="xs">
            <SegmentedControl
              aria-label="Mode de réponse"
              name="mode"
              value={mode}
              onChange={(value) => setModeChoice(isChatMode(value) ? value : null)}
              disabled={sending}
              data={CHAT_MODES.map((m) => ({
                value: m.value,
                label: (
                  <span className="mode-option" data-mode={m.value}>
                    <span>
                      <span aria-hidden="true">{m.icon}</span> {m.label}
                    </span>
                    <span className="mode-option__hint">{m.hint}</span>
                  </span>
                ),
              }))}
            />
            <Group gap="xs">
              <FileButton onChange={pickFile} accept={ACCEPT_ATTRIBUTE} disabled={sending} resetRef={resetFileRef} inputProps={{ id: 'chat-file' }}>
                {(props) => (
                  <Button {...props} variant="subtle" size="compact-sm" leftSection={<Icon name="paperclip" />} disabled={sending}>
                    Joindre un fichier
                  </Button>
                )}
              </FileButton>
              {file && (
                <Group gap={4} className="file-chip" data-testid="attached-file" wrap="nowrap">
                  <Text size="sm">
                    {file.name} ({Math.max(1, Math.round(file.size / 1024))} Ko)
                  </Text>
                  <ActionIcon size="sm" variant="subtle" color="gray" onClick={() => setFile(null)} aria-label={`Retirer ${file.name}`}>
                    ×
                  </ActionIcon>
                </Group>
              )}
            </Group>
          </Group>
          <Group align="flex-end" gap="sm" wrap="nowrap">
            <Textarea
              ref={textareaRef}
              aria-label="Votre message"
              id="chat-input"
              value={text}
              onChange={(e) => setText(e.currentTarget.value)}
              onKeyDown={onKeyDown}
              placeholder="Écrivez votre message… (Entrée pour envoyer, Maj+Entrée pour un retour à la ligne)"
              autosize
              minRows={3}
              maxRows={10}
              maxLength={32000}
              style={{ flex: 1 }}
            />
            {sending ? (
              <Button
                variant="default"
                onClick={stop}
                leftSection={<Icon name="stop" size={14} />}
                title="Arrêter la génération (le texte déjà reçu est conservé)"
              >
                Arrêter
              </Button>
            ) : (
              <Button type="submit" disabled={!text.trim()}>
                Envoyer
              </Button>
            )}
          </Group>
        </Stack>
      </form>
    </section>
  );
}
