// Test helper: an in-memory localStorage for the node test environment.
import { afterEach, beforeEach, vi, type Mock } from 'vitest';
export function installMemoryStorage(): Map<string, string> {
  const data = new Map<string, string>();
  const storage = {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (key: string) => data.get(key) ?? null,
    key: (index: number) => [...data.keys()][index] ?? null,
    removeItem: (key: string) => void data.delete(key),
    setItem: (key: string, value: string) => void data.set(key, String(value)),
  } satisfies Storage;
  Object.defineProperty(globalThis, 'localStorage', { value: storage, configurable: true, writable: true });
  return data;
}

/**
 * For the tests of the enclosing `describe`: a fresh in-memory localStorage and a reset `fetch` mock
 * installed as the global fetch before each test, removed after it. Returns that mock.
 */
export function mockFetchPerTest(): Mock {
  const fetchMock = vi.fn();
  beforeEach(() => {
    installMemoryStorage();
    fetchMock.mockReset();
    vi.stubGlobal('fetch', fetchMock);
  });
  afterEach(() => vi.unstubAllGlobals());
  return fetchMock;
}
