using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;

namespace Wibot.Infrastructure.Security;

/// <summary>Counts recent login failures per username and per client address in a sliding window.</summary>
public sealed class InMemoryLoginThrottle(IOptions<AuthOptions> options) : ILoginThrottle
{
    private readonly AuthOptions _o = options.Value;
    private readonly ConcurrentDictionary<string, FailureWindow> _byUser = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, FailureWindow> _byAddress = new(StringComparer.Ordinal);

    public TimeSpan? RetryAfter(string username, string? clientAddress, DateTimeOffset now)
    {
        var window = TimeSpan.FromMinutes(_o.WindowMinutes);
        TimeSpan? wait = null;
        if (_byUser.TryGetValue(username, out var u) && u.Count(now, window) >= _o.MaxFailuresPerUsername)
        {
            wait = u.RetryAfter(now, window);
        }

        if (clientAddress is not null && _byAddress.TryGetValue(clientAddress, out var a) && a.Count(now, window) >= _o.MaxFailuresPerAddress)
        {
            var w = a.RetryAfter(now, window);
            wait = wait is null || w > wait ? w : wait;
        }

        return wait;
    }

    public TimeSpan RegisterFailure(string username, string? clientAddress, DateTimeOffset now)
    {
        var window = TimeSpan.FromMinutes(_o.WindowMinutes);
        var count = _byUser.GetOrAdd(username, static _ => new FailureWindow()).Add(now, window);
        if (clientAddress is not null)
        {
            count = Math.Max(count, _byAddress.GetOrAdd(clientAddress, static _ => new FailureWindow()).Add(now, window));
        }

        if (_byUser.Count > 100_000)
        {
            Prune(_byUser, now, window);
        }

        if (_byAddress.Count > 100_000)
        {
            Prune(_byAddress, now, window);
        }

        var over = count - _o.FreeFailures;
        return over <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(_o.MaxDelayMs, over * (long)_o.DelayStepMs));
    }

    public void RegisterSuccess(string username, string? clientAddress) => _byUser.TryRemove(username, out _);

    private static void Prune(ConcurrentDictionary<string, FailureWindow> map, DateTimeOffset now, TimeSpan window)
    {
        foreach (var (key, value) in map)
        {
            if (value.Count(now, window) == 0)
            {
                map.TryRemove(key, out _);
            }
        }
    }

    private sealed class FailureWindow
    {
        private readonly Queue<DateTimeOffset> _failures = new();

        public int Add(DateTimeOffset now, TimeSpan window)
        {
            lock (_failures)
            {
                Trim(now, window);
                _failures.Enqueue(now);
                return _failures.Count;
            }
        }

        public int Count(DateTimeOffset now, TimeSpan window)
        {
            lock (_failures)
            {
                Trim(now, window);
                return _failures.Count;
            }
        }

        public TimeSpan RetryAfter(DateTimeOffset now, TimeSpan window)
        {
            lock (_failures)
            {
                var oldest = _failures.Count > 0 ? _failures.Peek() : now;
                var wait = oldest + window - now;
                return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
            }
        }

        private void Trim(DateTimeOffset now, TimeSpan window)
        {
            while (_failures.Count > 0 && _failures.Peek() <= now - window)
            {
                _failures.Dequeue();
            }

            while (_failures.Count > 1_000)
            {
                _failures.Dequeue();
            }
        }
    }
}
