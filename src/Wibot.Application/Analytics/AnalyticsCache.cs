using System.Collections.Concurrent;

namespace Wibot.Application.Analytics;

/// <summary>
/// Dashboards ask for the same figures again and again: an answer is reused for a few seconds
/// (<see cref="Ttl"/>), so a busy admin page does not rescan a million messages per refresh.
/// </summary>
public sealed class AnalyticsCache
{
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, (DateTimeOffset At, object Value)> _entries = new();

    public bool TryGet<T>(string key, DateTimeOffset now, out T value)
        where T : class
    {
        if (_entries.TryGetValue(key, out var entry) && entry.Value is T typed && now - entry.At < Ttl && now >= entry.At)
        {
            value = typed;
            return true;
        }

        value = null!;
        return false;
    }

    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> _inFlight = new();

    public void Clear() => _entries.Clear();

    /// <summary>
    /// The cached answer, or one computation shared by every caller that misses at the same moment
    /// (no stampede of identical scans when the entry expires under load).
    /// </summary>
    public async Task<T> GetOrComputeAsync<T>(string key, DateTimeOffset now, Func<Task<T>> compute)
        where T : class
    {
        if (TryGet<T>(key, now, out var cached))
        {
            return cached;
        }

        var lazy = _inFlight.GetOrAdd(key, _ => new Lazy<Task<object>>(async () => await compute()));
        try
        {
            var value = (T)await lazy.Value;
            Set(key, value, now);
            return value;
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<object>>>(key, lazy));
        }
    }

    public void Set(string key, object value, DateTimeOffset now)
    {
        if (_entries.Count > 1_000)
        {
            _entries.Clear();
        }

        _entries[key] = (now, value);
    }
}
