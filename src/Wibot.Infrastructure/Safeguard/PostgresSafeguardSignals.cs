using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Infrastructure.Safeguard;

/// <summary>
/// Listens on PostgreSQL's <c>wibot_safeguard</c> channel with one dedicated connection and wakes the
/// long polls and live streams of this instance, whichever instance made the change.
/// </summary>
internal sealed partial class PostgresSafeguardSignals(NpgsqlDataSource dataSource, ILogger<PostgresSafeguardSignals> logger)
    : BackgroundService, ISafeguardSignals
{
    internal const string Channel = "wibot_safeguard";
    private readonly ConcurrentDictionary<long, ConcurrentDictionary<Waiter, byte>> _waiters = new();
    private readonly ConcurrentDictionary<Channel<SafeguardSignal>, byte> _subscribers = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once LISTEN is in place (tests and start-up can wait for it).</summary>
    public Task Listening => _listening.Task;

    public ISafeguardWaiter Watch(long requestId)
    {
        var waiter = new Waiter(this, requestId);
        _waiters.GetOrAdd(requestId, static _ => new ConcurrentDictionary<Waiter, byte>())[waiter] = 0;
        return waiter;
    }

    public async IAsyncEnumerable<SafeguardSignal> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = System.Threading.Channels.Channel.CreateBounded<SafeguardSignal>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        _subscribers[channel] = 0;
        try
        {
            await foreach (var signal in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return signal;
            }
        }
        finally
        {
            _subscribers.TryRemove(channel, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                _listening.TrySetResult();
                delay = TimeSpan.FromMilliseconds(200);
                WakeAll(); // changes may have been missed while disconnected: let every waiter re-read
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException or TimeoutException)
            {
                LogListenFailed(logger, ex);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 10_000));
            }
        }
    }

    /// <summary>The payload on the channel, <c>kind|number|status</c>: written by <see cref="PostgresSafeguardPublisher"/>, read here.</summary>
    internal static string Format(string kind, long id, string status) => string.Create(CultureInfo.InvariantCulture, $"{kind}|{id}|{status}");

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        var parts = e.Payload.Split('|');
        if (parts.Length != 3 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return;
        }

        if (_waiters.TryGetValue(id, out var waiters))
        {
            foreach (var waiter in waiters.Keys)
            {
                waiter.Signal();
            }
        }

        var signal = new SafeguardSignal(parts[0], Domain.Safeguard.SafeguardRequest.FormatId(id), parts[2]);
        foreach (var subscriber in _subscribers.Keys)
        {
            subscriber.Writer.TryWrite(signal);
        }
    }

    private void WakeAll()
    {
        foreach (var waiters in _waiters.Values)
        {
            foreach (var waiter in waiters.Keys)
            {
                waiter.Signal();
            }
        }
    }

    private void Remove(Waiter waiter)
    {
        if (_waiters.TryGetValue(waiter.RequestId, out var waiters))
        {
            waiters.TryRemove(waiter, out _);
            if (waiters.IsEmpty)
            {
                _waiters.TryRemove(new KeyValuePair<long, ConcurrentDictionary<Waiter, byte>>(waiter.RequestId, waiters));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Safeguard LISTEN connection failed; retrying")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    private sealed class Waiter(PostgresSafeguardSignals owner, long requestId) : ISafeguardWaiter
    {
        private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long RequestId { get; } = requestId;

        public void Signal() => Volatile.Read(ref _signal).TrySetResult();

        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            var current = Volatile.Read(ref _signal);
            try
            {
                await current.Task.WaitAsync(timeout, cancellationToken);
                Interlocked.CompareExchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        public void Dispose() => owner.Remove(this);
    }
}
