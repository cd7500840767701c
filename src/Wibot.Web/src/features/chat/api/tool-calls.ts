// The tool calls of an assistant answer: built from the stream (`tool_call`, `tool_result`, then the
// `done` summary) or from the stored messages (`tool_calls` of each message, with their current status).
import type { MessageDto } from '@/lib/schemas';

/** The statuses a call can have (a value the server adds later is shown as it comes). */
export type ToolCallStatus = 'running' | 'succeeded' | 'failed' | 'denied' | 'pending_approval' | 'rejected' | 'expired';

/** `event: tool_call` — a call the model asked for: run at once (L0) or waiting for a Safeguard approval. */
export interface ToolCallEvent {
  call_id: string;
  server?: string | null;
  tool?: string | null;
  /** The call's arguments, secret-looking values already masked by the server. */
  arguments?: unknown;
  level?: string | null;
  status?: string | null;
  request_id?: string | null;
  expires_at?: string | null;
}

/** `event: tool_result` — what a call that ran (or was refused) gave. */
export interface ToolResultEvent {
  call_id: string;
  status?: string | null;
  content?: string | null;
}

/** One call of `done.tool_calls` and of a stored message's `tool_calls` (`tool` is `server__tool`). */
export interface ToolCallSummary {
  call_id?: string | null;
  tool?: string | null;
  status?: string | null;
  request_id?: string | null;
}

/** A tool call as the chat shows it. */
export interface UiToolCall {
  callId: string;
  /** The tool server, when the name says it. */
  server: string | null;
  tool: string;
  status: string;
  level?: string | null;
  /** The arguments as name/value pairs, values masked by the server where secret. */
  arguments?: [string, string][] | null;
  /** The Safeguard request an L1–L4 call waits for ("APR-…"). */
  requestId?: string | null;
  expiresAt?: string | null;
  /** What the call gave (stream `tool_result`). */
  content?: string | null;
}

export const TOOL_STATUS_LABELS: Record<string, string> = {
  running: 'en cours',
  succeeded: 'réussi',
  failed: 'échoué',
  denied: "refusé à l'exécution",
  pending_approval: "en attente d'approbation",
  rejected: 'rejeté',
  expired: 'expiré',
};

/** The separator of the tool names the model sees (`server__tool`). */
const SEPARATOR = '__';

/** "mcp-ad__reset_password" → { server: "mcp-ad", tool: "reset_password" } (no separator: no server). */
export function splitToolName(name: string | null | undefined): { server: string | null; tool: string } {
  const value = name ?? '';
  const at = value.indexOf(SEPARATOR);
  if (at <= 0 || at + SEPARATOR.length >= value.length) return { server: null, tool: value || 'outil' };
  return { server: value.slice(0, at), tool: value.slice(at + SEPARATOR.length) };
}

function showValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return '(illisible)';
  }
}

/** The arguments of a call as name/value pairs (an object; a JSON text of one; anything else as one value). */
export function argumentPairs(value: unknown): [string, string][] | null {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return value ? [['', value]] : null;
    }
  }
  if (parsed === null || parsed === undefined) return null;
  if (typeof parsed !== 'object' || Array.isArray(parsed)) return [['', showValue(parsed)]];
  const pairs = Object.entries(parsed as Record<string, unknown>).map(([key, item]): [string, string] => [key, showValue(item)]);
  return pairs.length ? pairs : null;
}

export function fromToolCallEvent(event: ToolCallEvent): UiToolCall {
  const named = event.server ? { server: event.server, tool: event.tool || 'outil' } : splitToolName(event.tool);
  return {
    callId: event.call_id,
    server: named.server,
    tool: named.tool,
    status: event.status || 'running',
    level: event.level ?? null,
    arguments: argumentPairs(event.arguments),
    requestId: event.request_id ?? null,
    expiresAt: event.expires_at ?? null,
  };
}

function fromSummary(summary: ToolCallSummary, index: number): UiToolCall {
  const named = splitToolName(summary.tool);
  return { callId: summary.call_id || `call-${index}`, ...named, status: summary.status || 'running', requestId: summary.request_id ?? null };
}

/** A new call, or a newer copy of a known one (same `call_id`), in place. */
export function withToolCall(calls: UiToolCall[] | undefined, call: UiToolCall): UiToolCall[] {
  const list = calls ?? [];
  return list.some((c) => c.callId === call.callId) ? list.map((c) => (c.callId === call.callId ? { ...c, ...call } : c)) : [...list, call];
}

/** The result of a call: its final status and content (a result for an unknown call is ignored). */
export function withToolResult(calls: UiToolCall[] | undefined, result: ToolResultEvent): UiToolCall[] {
  return (calls ?? []).map((c) => (c.callId === result.call_id ? { ...c, status: result.status || c.status, content: result.content ?? '' } : c));
}

/** The `done` summary: its status and request id win; a call the stream did not announce is added. */
export function withToolSummaries(calls: UiToolCall[] | undefined, summaries: ToolCallSummary[] | null | undefined): UiToolCall[] {
  let list = calls ?? [];
  (summaries ?? []).forEach((summary, index) => {
    const known = list.find((c) => c.callId === summary.call_id);
    list = known
      ? list.map((c) => (c === known ? { ...c, status: summary.status || c.status, requestId: summary.request_id ?? c.requestId ?? null } : c))
      : [...list, fromSummary(summary, index)];
  });
  return list;
}

/** The calls of a stored message (current status, no arguments nor content). */
export function fromStoredToolCalls(summaries: ToolCallSummary[] | null | undefined): UiToolCall[] | undefined {
  return summaries?.length ? summaries.map(fromSummary) : undefined;
}

/** The calls of a stored message with what this panel saw of them while they streamed (the stored status wins). */
export function withStreamedDetails(calls: UiToolCall[] | undefined, seen: ReadonlyMap<string, UiToolCall>): UiToolCall[] | undefined {
  if (!calls || seen.size === 0) return calls;
  return calls.map((call) => {
    const streamed = seen.get(call.callId);
    if (!streamed) return call;
    return {
      ...call,
      server: call.server ?? streamed.server,
      level: call.level ?? streamed.level ?? null,
      arguments: call.arguments ?? streamed.arguments ?? null,
      requestId: call.requestId ?? streamed.requestId ?? null,
      expiresAt: call.expiresAt ?? streamed.expiresAt ?? null,
      content: call.content ?? streamed.content ?? null,
    };
  });
}

/** The summary a finished answer's call is cached as (the shape of the stored messages). */
export function toToolCallSummary(call: UiToolCall): ToolCallSummary {
  return { call_id: call.callId, tool: call.server ? `${call.server}${SEPARATOR}${call.tool}` : call.tool, status: call.status, request_id: call.requestId ?? null };
}

/** Some call of the conversation waits for an approval (its outcome and the continuation will be stored later). */
export function hasPendingApproval(messages: MessageDto[] | null | undefined): boolean {
  return (messages ?? []).some((m) => m.tool_calls?.some((c) => (c as ToolCallSummary).status === 'pending_approval'));
}

/** Who may approve a request of this level: "un technicien N3 ou plus, autre que vous". */
export function approverText(level: string | null | undefined): string {
  const match = /^L([1-4])$/.exec(level ?? '');
  if (!match) return 'un technicien accrédité pour ce niveau, autre que vous';
  return match[1] === '4' ? 'un technicien N4, autre que vous' : `un technicien N${match[1]} ou plus, autre que vous`;
}

/** "expire à 14:32" (with the date when it is not today). */
export function expiryText(expiresAt: string | null | undefined, now: number): string | null {
  if (!expiresAt) return null;
  const date = new Date(expiresAt);
  if (Number.isNaN(date.getTime())) return null;
  const time = date.toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' });
  const past = date.getTime() <= now;
  const sameDay = date.toDateString() === new Date(now).toDateString();
  const when = sameDay ? `à ${time}` : `le ${date.toLocaleDateString('fr-FR')} à ${time}`;
  return past ? `a expiré ${when}` : `expire ${when}`;
}
