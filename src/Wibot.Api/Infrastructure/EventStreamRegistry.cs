namespace Wibot.Api.Infrastructure;

/// <summary>Counts the live event streams of each user, to cap them.</summary>
public sealed class EventStreamRegistry
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, int> _open = new();

    /// <summary>Opens a stream for <paramref name="userId"/> unless they already have <paramref name="max"/>; dispose the result to close it.</summary>
    public IDisposable? TryOpen(int userId, int max)
    {
        while (true)
        {
            var current = _open.GetOrAdd(userId, 0);
            if (current >= max)
            {
                return null;
            }

            if (_open.TryUpdate(userId, current + 1, current))
            {
                return new Slot(this, userId);
            }
        }
    }

    private void Close(int userId) => _open.AddOrUpdate(userId, 0, (_, n) => Math.Max(0, n - 1));

    private sealed class Slot(EventStreamRegistry registry, int userId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                registry.Close(userId);
            }
        }
    }
}
