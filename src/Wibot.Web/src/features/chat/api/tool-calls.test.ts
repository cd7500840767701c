import { describe, expect, it } from 'vitest';
import {
  approverText,
  argumentPairs,
  expiryText,
  fromStoredToolCalls,
  fromToolCallEvent,
  hasPendingApproval,
  splitToolName,
  toToolCallSummary,
  withStreamedDetails,
  withToolCall,
  withToolResult,
  withToolSummaries,
} from './tool-calls';

describe('tool calls', () => {
  it('splits server__tool names at the first separator', () => {
    expect(splitToolName('mcp-ad__reset_password')).toEqual({ server: 'mcp-ad', tool: 'reset_password' });
    expect(splitToolName('srv__a__b')).toEqual({ server: 'srv', tool: 'a__b' });
    expect(splitToolName('seul')).toEqual({ server: null, tool: 'seul' });
    expect(splitToolName('__x')).toEqual({ server: null, tool: '__x' });
  });

  it('lists the arguments as name/value pairs (objects, JSON text, masked values kept as sent)', () => {
    expect(argumentPairs({ user: 'jdupont', password: '***', force: true, tags: ['a'] })).toEqual([
      ['user', 'jdupont'],
      ['password', '***'],
      ['force', 'true'],
      ['tags', '["a"]'],
    ]);
    expect(argumentPairs('{"host":"srv01"}')).toEqual([['host', 'srv01']]);
    expect(argumentPairs({})).toBeNull();
    expect(argumentPairs(null)).toBeNull();
  });

  it('follows a call from tool_call to tool_result, then the done summary', () => {
    const call = fromToolCallEvent({ call_id: 'c1', server: 'mcp-ad', tool: 'user_info', arguments: { user: 'jdupont' }, level: 'L0', status: 'running' });
    let calls = withToolCall(undefined, call);
    expect(calls).toMatchObject([{ callId: 'c1', server: 'mcp-ad', tool: 'user_info', status: 'running', level: 'L0' }]);
    calls = withToolResult(calls, { call_id: 'c1', status: 'succeeded', content: 'Compte actif' });
    calls = withToolResult(calls, { call_id: 'inconnu', status: 'failed', content: 'x' });
    expect(calls).toMatchObject([{ callId: 'c1', status: 'succeeded', content: 'Compte actif' }]);
    calls = withToolSummaries(calls, [
      { call_id: 'c1', tool: 'mcp-ad__user_info', status: 'succeeded', request_id: null },
      { call_id: 'c2', tool: 'mcp-ad__reset_password', status: 'pending_approval', request_id: 'APR-12' },
    ]);
    expect(calls.map((c) => [c.callId, c.server, c.tool, c.status, c.requestId])).toEqual([
      ['c1', 'mcp-ad', 'user_info', 'succeeded', null],
      ['c2', 'mcp-ad', 'reset_password', 'pending_approval', 'APR-12'],
    ]);
    expect(toToolCallSummary(calls[1]!)).toEqual({ call_id: 'c2', tool: 'mcp-ad__reset_password', status: 'pending_approval', request_id: 'APR-12' });
  });

  it('shows a stored call with its current status and what the stream said of it', () => {
    const stored = fromStoredToolCalls([{ call_id: 'c2', tool: 'mcp-ad__reset_password', status: 'succeeded', request_id: 'APR-12' }]);
    const streamed = fromToolCallEvent({ call_id: 'c2', server: 'mcp-ad', tool: 'reset_password', level: 'L3', status: 'pending_approval', request_id: 'APR-12' });
    expect(withStreamedDetails(stored, new Map([['c2', streamed]]))).toMatchObject([{ status: 'succeeded', level: 'L3', requestId: 'APR-12' }]);
    expect(fromStoredToolCalls([])).toBeUndefined();
  });

  it('knows when a conversation waits for an approval', () => {
    const pending = { role: 'assistant' as const, tool_calls: [{ call_id: 'c', tool: 's__t', status: 'pending_approval', request_id: 'APR-1' }] };
    expect(hasPendingApproval([{ role: 'user' }, pending] as never)).toBe(true);
    expect(hasPendingApproval([{ role: 'assistant', tool_calls: [{ call_id: 'c', status: 'succeeded' }] }] as never)).toBe(false);
    expect(hasPendingApproval(undefined)).toBe(false);
  });

  it('says who may approve and until when', () => {
    expect(approverText('L1')).toBe('un technicien N1 ou plus, autre que vous');
    expect(approverText('L3')).toBe('un technicien N3 ou plus, autre que vous');
    expect(approverText('L4')).toBe('un technicien N4, autre que vous');
    expect(approverText(null)).toBe('un technicien accrédité pour ce niveau, autre que vous');
    const now = new Date(2026, 11, 2, 14, 0).getTime();
    expect(expiryText(new Date(2026, 11, 2, 14, 32).toISOString(), now)).toBe('expire à 14:32');
    expect(expiryText(new Date(2026, 11, 3, 9, 5).toISOString(), now)).toBe('expire le 03/12/2026 à 09:05');
    expect(expiryText(new Date(2026, 11, 2, 13, 30).toISOString(), now)).toBe('a expiré à 13:30');
    expect(expiryText(null, now)).toBeNull();
  });
});
