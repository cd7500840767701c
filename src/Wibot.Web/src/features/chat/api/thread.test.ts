import { describe, expect, it } from 'vitest';
import { mergeThread, type ThreadMessage } from './thread';

const q = (id: string, content: string, answerId?: string): ThreadMessage => ({ id, role: 'user', content, answerId });
const a = (id: string, content: string, serverId?: string): ThreadMessage => ({ id, role: 'assistant', content, serverId });
const ids = (messages: ThreadMessage[]) => messages.map((m) => m.id);

describe('mergeThread', () => {
  it('keeps local messages the server does not know yet after the history', () => {
    expect(ids(mergeThread([q('s1', 'Avant'), a('s2', 'Réponse')], [q('u1', 'Nouvelle', 'a1'), a('a1', '…', 'm9')]))).toEqual(['s1', 's2', 'u1', 'a1']);
  });

  it('drops a stopped answer and its question once the server history holds them (new conversation, Stop)', () => {
    const history = [q('s-q', 'Explique DNS'), a('m1', 'Le DNS est')];
    const local = [q('u1', 'Explique DNS', 'a1'), { ...a('a1', 'Le DNS est', 'm1'), stopped: true }];
    const merged = mergeThread(history, local);
    expect(ids(merged)).toEqual(['s-q', 'm1']);
    expect(merged[1]?.stopped).toBe(true);
  });

  it('shows the question the server stored once, followed by the local failed answer (model failure)', () => {
    const history = [q('s-q', 'Explique DNS')];
    const local = [q('u1', 'Explique DNS', 'a1'), a('a1', '', 'm1')];
    expect(ids(mergeThread(history, local))).toEqual(['s-q', 'a1']);
  });

  it('does not claim a history question that was answered', () => {
    const history = [q('s1', 'Bonjour'), a('s2', 'Bonjour !')];
    const local = [q('u1', 'Bonjour', 'a1'), a('a1', '…', 'm3')];
    expect(ids(mergeThread(history, local))).toEqual(['s1', 's2', 'u1', 'a1']);
  });
});
