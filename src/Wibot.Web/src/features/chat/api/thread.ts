// How the messages this panel added (the local thread) are merged with the server's history of the
// same conversation. The server stores the question before the model is called, and the answer when
// it ends (completed, or stopped with some text); a failed answer leaves the question alone.

export interface ThreadMessage {
  /** Local key (React key, updates while streaming). History messages use the server id. */
  id: string;
  role: 'user' | 'assistant';
  content: string;
  /** Local answers: the id the server gave the answer (`message_id` of the stream's `meta` event). */
  serverId?: string | null;
  /** Local questions: the local id of their answer. */
  answerId?: string | null;
  /** The user stopped this answer: the note stays on the server's copy. */
  stopped?: boolean;
}

/**
 * The shown thread: the history, then the local messages the history does not hold yet.
 * - a local answer whose server id is in the history is dropped, with its question (the server's copies win,
 *   keeping the "stopped" note);
 * - a local question the server stored without an answer (failed, stopped before any text, still
 *   streaming) is dropped for the history's copy: the latest unanswered history question with the same text;
 * - every other local message follows the history, in order.
 */
export function mergeThread<T extends ThreadMessage>(history: T[], local: T[]): T[] {
  const historyIds = new Set(history.map((m) => m.id));
  const storedAnswers = local.filter((m) => m.role === 'assistant' && m.serverId && historyIds.has(m.serverId));
  const stored = new Set(storedAnswers.map((m) => m.id));
  const stoppedIds = new Set(storedAnswers.filter((m) => m.stopped).map((m) => m.serverId));
  const shownHistory = stoppedIds.size ? history.map((m) => (stoppedIds.has(m.id) ? { ...m, stopped: true } : m)) : history;
  const remaining = local.filter((m) => !stored.has(m.id) && !(m.role === 'user' && m.answerId && stored.has(m.answerId)));

  // Questions of the history that no answer follows, newest first.
  const unanswered: number[] = [];
  history.forEach((m, index) => {
    if (m.role === 'user' && history[index + 1]?.role !== 'assistant') unanswered.unshift(index);
  });
  const claimed = new Set<number>();
  const duplicates = new Set<string>();
  for (const message of [...remaining].reverse()) {
    if (message.role !== 'user') continue;
    const match = unanswered.find((index) => !claimed.has(index) && history[index]?.content === message.content);
    if (match === undefined) continue;
    claimed.add(match);
    duplicates.add(message.id);
  }
  return [...shownHistory, ...remaining.filter((m) => !duplicates.has(m.id))];
}
