import { describe, expect, it } from 'vitest';
import { gaugeState } from './gauge';

describe('gaugeState', () => {
  it('is ok below 80 %', () => {
    expect(gaugeState({ used_tokens: 100, quota_tokens: 1000, remaining_tokens: 900 }).level).toBe('ok');
  });
  it('warns from 80 %', () => {
    expect(gaugeState({ used_tokens: 800, quota_tokens: 1000, remaining_tokens: 200 }).level).toBe('warning');
  });
  it('is exhausted when nothing remains', () => {
    const state = gaugeState({ used_tokens: 1200, quota_tokens: 1000, remaining_tokens: 0 });
    expect(state.level).toBe('exhausted');
    expect(state.ratio).toBe(1);
    expect(state.remaining).toBe(0);
  });
});
