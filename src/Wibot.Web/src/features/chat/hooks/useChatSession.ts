// The state of one chat panel: the shown conversation (the server's history merged with what this
// panel added), the question being written, and the send / stream state machine of a turn
// (in-flight answer, stop, retry of a failed answer, errors, the status line for screen readers).
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '@/lib/api-client';
import { describeError } from '@/lib/errors';
import type { MessageDto } from '@/lib/schemas';
import { checkAttachment } from '../api/attachments';
import { appendExchange, chatKeys, isRetryableChatError, messagesQueryOptions, quotaRefusal, sendChat, type ChatMode } from '../api/chat';
import { mergeThread } from '../api/thread';
import {
  fromStoredToolCalls,
  fromToolCallEvent,
  toToolCallSummary,
  withStreamedDetails,
  withToolCall,
  withToolResult,
  withToolSummaries,
  type UiToolCall,
} from '../api/tool-calls';
import type { UiMessage } from '../components/MessageView';

export interface QuotaState {
  exhausted: boolean;
  resetsAt: string | null;
}

export interface ChatSessionOptions {
  conversationId: string | null;
  /** The server created a conversation for the first message: the page should now show it. */
  onConversationCreated: (id: string) => void;
  /** An answer ended (done, failed or stopped): the conversation list and the token balance may have changed. */
  onAnswerSettled?: () => void;
  /** The caller's monthly quota, for the refusal's reset date. */
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
    ...(dto.tool_calls?.length ? { toolCalls: fromStoredToolCalls(dto.tool_calls) } : {}),
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
    // The generated type predates the tool call statuses (running, pending_approval…): same shape, wider status.
    ...(message.toolCalls?.length ? { tool_calls: message.toolCalls.map(toToolCallSummary) as MessageDto['tool_calls'] } : {}),
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

export function useChatSession({ conversationId, onConversationCreated, onAnswerSettled, quota }: ChatSessionOptions) {
  const queryClient = useQueryClient();
  const [sending, setSending] = useState(false);
  // Another tab's messages are read on focus, and polled while a tool call awaits approval, but not
  // while an answer streams into this one.
  const historyOptions = messagesQueryOptions(conversationId ?? '');
  const history = useQuery({
    ...historyOptions,
    enabled: conversationId !== null,
    refetchOnWindowFocus: !sending,
    refetchInterval: sending ? false : historyOptions.refetchInterval,
  });
  const [thread, setThread] = useState<LocalThread>(EMPTY_THREAD);
  const [shownId, setShownId] = useState(conversationId);
  const [modeChoice, setModeChoice] = useState<ChatMode | null>(null);
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [quotaRefused, setQuotaRefused] = useState(false);
  /** The polite status line read by screen readers (the message list itself is not live). */
  const [status, setStatus] = useState('');
  const abortRef = useRef<AbortController | null>(null);
  const stoppedRef = useRef(false);
  const retryRef = useRef(new Map<string, { question: Question; userId: string }>());
  const adoptedIdRef = useRef<string | null>(null);
  /** The message input: focused for a new conversation and after each answer. */
  const inputRef = useRef<HTMLTextAreaElement>(null);

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
    if (!conversationId) inputRef.current?.focus();
  }, [conversationId]);

  useEffect(() => () => abortRef.current?.abort(), []);

  // What this panel saw of the tool calls it streamed (level, arguments, result…): the stored
  // messages only say each call's current status.
  const streamedCalls = useMemo(
    () => new Map(thread.messages.flatMap((m) => m.toolCalls ?? []).map((call): [string, UiToolCall] => [call.callId, call])),
    [thread.messages],
  );
  const historyMessages = useMemo(
    () =>
      (history.data?.messages ?? []).map((dto, index) => {
        const message = fromDto(dto, index);
        return message.toolCalls ? { ...message, toolCalls: withStreamedDetails(message.toolCalls, streamedCalls) } : message;
      }),
    [history.data, streamedCalls],
  );
  const messages = useMemo(() => mergeThread(historyMessages, thread.messages), [historyMessages, thread.messages]);
  const lastMode = [...historyMessages].reverse().find((m) => isChatMode(m.mode))?.mode;
  const mode: ChatMode = modeChoice ?? (isChatMode(lastMode) ? lastMode : 'flash');
  const loading = conversationId !== null && history.isPending && thread.messages.length === 0;
  const historyError =
    history.isError && thread.messages.length === 0 ? describeError(history.error, { 404: 'Conversation introuvable ou supprimée.' }) : null;
  const shownError = quotaRefused ? quotaRefusal(quota?.resetsAt) : (error ?? historyError);

  /** Attaches a picked or dropped file, once it passes the client-side checks. */
  const pickFile = (picked: File | null) => {
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

  /** Files dropped onto the panel: one file, and not while an answer streams. */
  const dropFiles = (files: FileList) => {
    if (sending) {
      setError('Attendez la fin de la réponse pour joindre un fichier.');
      return;
    }
    if (files.length > 1) {
      setError('Un seul fichier peut être joint à la fois.');
      return;
    }
    pickFile(files[0] ?? null);
    inputRef.current?.focus();
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
    const streamed = { content: '', tokensUsed: null as number | null, done: false, serverId: null as string | null, toolCalls: [] as UiToolCall[] };

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
          onToolCall: (event) => {
            const call = fromToolCallEvent(event);
            streamed.toolCalls = withToolCall(streamed.toolCalls, call);
            update((m) => ({ ...m, toolCalls: withToolCall(m.toolCalls, call) }));
          },
          onToolResult: (result) => {
            streamed.toolCalls = withToolResult(streamed.toolCalls, result);
            update((m) => ({ ...m, toolCalls: withToolResult(m.toolCalls, result) }));
          },
          onDone: (done) => {
            streamed.done = true;
            streamed.tokensUsed = done.tokens_used ?? null;
            const summaries = done.tool_calls?.length ? done.tool_calls : null;
            if (summaries) streamed.toolCalls = withToolSummaries(streamed.toolCalls, summaries);
            update((m) => ({
              ...m,
              streaming: false,
              tokensUsed: done.tokens_used ?? null,
              createdAt: new Date().toISOString(),
              ...(summaries ? { toolCalls: withToolSummaries(m.toolCalls, summaries) } : {}),
            }));
            const awaiting = streamed.toolCalls.some((c) => c.status === 'pending_approval');
            setStatus(awaiting ? "Réponse terminée. Une action attend l'approbation d'un autre technicien." : 'Réponse terminée.');
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
          const answer: UiMessage = {
            ...assistant,
            serverId: streamed.serverId,
            content: streamed.content,
            tokensUsed: streamed.tokensUsed,
            streaming: false,
            ...(streamed.toolCalls.length ? { toolCalls: streamed.toolCalls } : {}),
          };
          appendExchange(queryClient, target, [toDto(userMessage), toDto(answer)]);
        }
        else void queryClient.invalidateQueries({ queryKey: chatKeys.messages(target), refetchType: 'none' });
      }
      onAnswerSettled?.();
      if (createdId && (!controller.signal.aborted || stoppedRef.current)) {
        adoptedIdRef.current = createdId;
        onConversationCreated(createdId);
      }
      inputRef.current?.focus();
    }
  };

  /** Sends the written question (with the attached file), unless one is already being answered. */
  const send = () => {
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
    void ask(question);
  };

  /** Sends the question of a failed answer again, in place of the failed pair. */
  const retry = (assistantId: string) => {
    const entry = retryRef.current.get(assistantId);
    if (!entry || sending) return;
    retryRef.current.delete(assistantId);
    setThread((t) => ({ ...t, messages: t.messages.filter((m) => m.id !== assistantId && m.id !== entry.userId) }));
    void ask(entry.question);
  };

  /** Stops the streaming answer: the text already received stays. */
  const stop = () => {
    stoppedRef.current = true;
    abortRef.current?.abort();
  };

  return {
    /** The shown thread: the history, then what this panel added. */
    messages,
    /** The history is being read and nothing is shown yet. */
    loading,
    /** An answer is being sent or streamed. */
    sending,
    /** The polite status line for screen readers. */
    status,
    /** The error shown above the input (the quota refusal first, else the last error, else the history's). */
    shownError,
    /** The quota refusal is shown (the quota banner then steps aside). */
    quotaRefused,
    dismissError: () => {
      setError(null);
      setQuotaRefused(false);
    },
    mode,
    /** The mode picked by the user; an unknown value falls back to the conversation's last mode. */
    chooseMode: (value: string) => setModeChoice(isChatMode(value) ? value : null),
    text,
    setText,
    file,
    pickFile,
    removeFile: () => setFile(null),
    dropFiles,
    send,
    retry,
    stop,
    inputRef,
  };
}

export type ChatSession = ReturnType<typeof useChatSession>;
