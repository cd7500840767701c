import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { ApiError, apiFetch, apiRequest } from '@/lib/api-client';
import type { ChatResponse, ChatSource, MessageDto, MessagesResponse } from '@/lib/schemas';
import { formatDate } from '@/lib/format';
import { readSseStream } from '@/lib/sse';
import { hasPendingApproval, type ToolCallEvent, type ToolCallSummary, type ToolResultEvent } from './tool-calls';

export type ChatMode = 'flash' | 'code' | 'redaction';

export const CHAT_MODES: { value: ChatMode; label: string; icon: string; hint: string }[] = [
  { value: 'flash', label: 'Flash', icon: '⚡', hint: 'Réponses courtes' },
  { value: 'code', label: 'Code', icon: '💻', hint: 'Aide au développement' },
  { value: 'redaction', label: 'Rédaction', icon: '📝', hint: 'Écrits professionnels' },
];

/** The refusal of a question when the monthly quota is spent, with the reset date when known. */
export function quotaRefusal(resetsAt: string | null | undefined): string {
  const reset = resetsAt ? ` Il sera réinitialisé le ${formatDate(resetsAt)}.` : '';
  return `Quota mensuel de tokens épuisé.${reset} Un administrateur peut vous attribuer des tokens supplémentaires.`;
}

/** Failures worth a "Réessayer": the language model or the stream failed, not the request itself. */
export function isRetryableChatError(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || (error.status >= 502 && error.status <= 504));
}

export function getMessages(conversationId: string, signal?: AbortSignal): Promise<MessagesResponse> {
  return apiFetch<MessagesResponse>(`/webhook/wibot/messages/${encodeURIComponent(conversationId)}`, { signal });
}

export const chatKeys = {
  all: ['chat'] as const,
  messages: (conversationId: string) => [...chatKeys.all, 'messages', conversationId] as const,
};

/** How long a conversation's history is fresh: another tab or client may add to it. */
export const MESSAGES_STALE_MS = 15_000;

/** While a tool call of the conversation awaits approval, its history is read this often. */
export const PENDING_POLL_MS = 5_000;

/**
 * The history of one conversation. This client's chat writes finished exchanges into the cache;
 * other tabs or clients are seen on the next read (stale after 15 s, refetched on focus while no
 * answer streams: the chat panel turns focus refetching off meanwhile). While a tool call awaits a
 * Safeguard approval, it is read every 5 s: the decision changes the call's status and the server
 * stores the answer's continuation as a new message.
 */
export const messagesQueryOptions = (conversationId: string) =>
  queryOptions({
    queryKey: chatKeys.messages(conversationId),
    queryFn: ({ signal }) => getMessages(conversationId, signal),
    staleTime: MESSAGES_STALE_MS,
    refetchInterval: (query) => (hasPendingApproval(query.state.data?.messages) ? PENDING_POLL_MS : false),
  });

/**
 * Appends a finished exchange (question and streamed answer) to the cached history of its
 * conversation. A question the cache already ends with, unanswered (the server's copy of a question
 * whose answer failed, then was retried), is not added twice.
 */
export function appendExchange(queryClient: QueryClient, conversationId: string, exchange: MessageDto[]): void {
  queryClient.setQueryData<MessagesResponse>(chatKeys.messages(conversationId), (current) => {
    const messages = current?.messages ?? [];
    const last = messages.at(-1);
    const [first, ...rest] = exchange;
    const known = first?.role === 'user' && last?.role === 'user' && last.content === first.content;
    const added = known ? rest : exchange;
    const ids = new Set(messages.map((m) => m.message_id));
    return { ...current, conversation_id: conversationId, messages: [...messages, ...added.filter((m) => !ids.has(m.message_id))] };
  });
}

export interface ChatRequest {
  message: string;
  mode: ChatMode;
  conversationId?: string | null;
  file?: File | null;
}

/** The `done` event: the tokens of the turn and a summary of its tool calls. */
export interface ChatDone {
  tokens_used?: number;
  tokens_remaining?: number;
  tool_calls?: ToolCallSummary[] | null;
}

export interface ChatStreamHandlers {
  onMeta: (meta: { conversation_id: string; message_id?: string }) => void;
  onDelta: (text: string) => void;
  onSources: (sources: ChatSource[]) => void;
  onDone: (done: ChatDone) => void;
  /** A tool call the model asked for (`running`, or `pending_approval` with its Safeguard request). */
  onToolCall?: (call: ToolCallEvent) => void;
  /** What a call that ran gave (matched to its call by `call_id`). */
  onToolResult?: (result: ToolResultEvent) => void;
}

function parseJson<T>(data: string): T | null {
  try {
    return JSON.parse(data) as T;
  } catch {
    return null;
  }
}

/**
 * Sends a chat message and streams the answer (Server-Sent Events read with fetch).
 * A server that answers plain JSON instead is handled the same way, in one step.
 * Throws ApiError for an HTTP error or an `event: error` in the stream.
 */
export async function sendChat(request: ChatRequest, handlers: ChatStreamHandlers, signal?: AbortSignal): Promise<void> {
  let body: FormData | Record<string, string>;
  if (request.file) {
    const form = new FormData();
    form.append('message', request.message);
    form.append('mode', request.mode);
    if (request.conversationId) form.append('conversation_id', request.conversationId);
    form.append('file', request.file, request.file.name);
    body = form;
  } else {
    body = { message: request.message, mode: request.mode };
    if (request.conversationId) body.conversation_id = request.conversationId;
  }

  const response = await apiRequest('/webhook/wibot/chat', {
    method: 'POST',
    body,
    headers: { Accept: 'text/event-stream' },
    signal,
  });

  const contentType = response.headers.get('Content-Type') ?? '';
  if (!contentType.includes('text/event-stream')) {
    const answer = (await response.json()) as ChatResponse;
    if (answer.conversation_id) handlers.onMeta({ conversation_id: answer.conversation_id, message_id: answer.message_id });
    handlers.onDelta(answer.response ?? '');
    handlers.onSources(answer.sources ?? []);
    handlers.onDone({ tokens_used: answer.tokens_used, tokens_remaining: answer.tokens_remaining, tool_calls: answer.tool_calls });
    return;
  }

  // Written by the event callback: an object, so that the checks below see the updates.
  const outcome: { error: ApiError | null; finished: boolean } = { error: null, finished: false };
  await readSseStream(response, (event) => {
    if (outcome.error) return;
    switch (event.event) {
      case 'meta': {
        const meta = parseJson<{ conversation_id?: string; message_id?: string }>(event.data);
        if (meta?.conversation_id) handlers.onMeta({ conversation_id: meta.conversation_id, message_id: meta.message_id });
        break;
      }
      case 'delta': {
        const delta = parseJson<{ text?: string }>(event.data);
        if (delta?.text) handlers.onDelta(delta.text);
        break;
      }
      case 'sources': {
        const sources = parseJson<ChatSource[] | { sources?: ChatSource[] }>(event.data);
        handlers.onSources(Array.isArray(sources) ? sources : (sources?.sources ?? []));
        break;
      }
      case 'tool_call': {
        const call = parseJson<ToolCallEvent>(event.data);
        if (call?.call_id) handlers.onToolCall?.(call);
        break;
      }
      case 'tool_result': {
        const result = parseJson<ToolResultEvent>(event.data);
        if (result?.call_id) handlers.onToolResult?.(result);
        break;
      }
      case 'done': {
        outcome.finished = true;
        handlers.onDone(parseJson<ChatDone>(event.data) ?? {});
        break;
      }
      case 'error': {
        const problem = parseJson<{ status?: number; title?: string; detail?: string; type?: string }>(event.data) ?? {};
        outcome.error = new ApiError({
          status: problem.status ?? 502,
          title: problem.title ?? 'Erreur du modèle de langage',
          detail: problem.detail,
          type: problem.type,
        });
        break;
      }
      default:
        break;
    }
  });
  if (outcome.error) throw outcome.error;
  if (!outcome.finished) {
    throw new ApiError({ status: 502, title: 'Réponse interrompue', detail: 'La réponse a été interrompue avant la fin. Réessayez.' });
  }
}
