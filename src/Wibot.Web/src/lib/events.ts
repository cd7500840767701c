// A tiny typed event bus so that features can signal each other without importing each other.
export interface AppEvents {
  /** A chat answer ended (or failed): the token balance may have changed. */
  'tokens:changed': undefined;
  /** The token balance was read: whether the monthly quota is spent, and when it resets. */
  'tokens:balance': { exhausted: boolean; resetsAt: string | null };
  /** A conversation was created, renamed, deleted or received messages. */
  'conversations:changed': undefined;
}

type Handler<T> = (payload: T) => void;
const handlers = new Map<keyof AppEvents, Set<Handler<never>>>();

export function emit<K extends keyof AppEvents>(name: K, payload?: AppEvents[K]): void {
  for (const handler of [...(handlers.get(name) ?? [])]) (handler as Handler<AppEvents[K] | undefined>)(payload);
}

export function on<K extends keyof AppEvents>(name: K, handler: Handler<AppEvents[K]>): () => void {
  let set = handlers.get(name);
  if (!set) {
    set = new Set();
    handlers.set(name, set);
  }
  set.add(handler as Handler<never>);
  return () => set.delete(handler as Handler<never>);
}
