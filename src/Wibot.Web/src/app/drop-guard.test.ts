// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { installFileDropGuard } from './drop-guard';

function fileEvent(type: 'dragover' | 'drop', types: string[] = ['Files']): Event {
  const event = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'dataTransfer', { value: { types, dropEffect: 'copy' } });
  return event;
}

describe('file drop guard', () => {
  let remove: (() => void) | null = null;
  afterEach(() => remove?.());

  it('keeps the browser from opening a file dropped outside the chat drop zone', () => {
    const outside = fileEvent('drop');
    document.body.dispatchEvent(outside);
    expect(outside.defaultPrevented).toBe(false); // what the browser would do without the guard

    remove = installFileDropGuard();
    const over = fileEvent('dragover');
    const drop = fileEvent('drop');
    document.body.dispatchEvent(over);
    document.body.dispatchEvent(drop);
    expect(over.defaultPrevented).toBe(true);
    expect((over as Event & { dataTransfer: DataTransfer }).dataTransfer.dropEffect).toBe('none');
    expect(drop.defaultPrevented).toBe(true);
  });

  it('leaves text drags (into the message box) alone', () => {
    remove = installFileDropGuard();
    const drop = fileEvent('drop', ['text/plain']);
    document.body.dispatchEvent(drop);
    expect(drop.defaultPrevented).toBe(false);
  });
});
