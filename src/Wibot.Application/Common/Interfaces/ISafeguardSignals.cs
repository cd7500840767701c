namespace Wibot.Application.Common.Interfaces;

/// <summary>A change in the Safeguard queue: <c>created</c>, <c>decided</c> or <c>expired</c>.</summary>
public sealed record SafeguardSignal(string Kind, string RequestId, string Status);

/// <summary>
/// Tells every WIBOT instance sharing the database about Safeguard changes (PostgreSQL LISTEN/NOTIFY),
/// so long polls and live views answer as soon as a decision is taken anywhere.
/// </summary>
public interface ISafeguardSignals
{
    /// <summary>Starts listening for one request before its state is read, so no change is missed.</summary>
    ISafeguardWaiter Watch(long requestId);

    IAsyncEnumerable<SafeguardSignal> SubscribeAsync(CancellationToken cancellationToken);
}

public interface ISafeguardWaiter : IDisposable
{
    /// <summary>Completes when a change of the request is signalled, or when the timeout elapses (false).</summary>
    Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>
/// Sends Safeguard changes to every instance from the unit of work: a signal published inside a
/// transaction is delivered when it commits, never when it rolls back.
/// </summary>
public interface ISafeguardPublisher
{
    Task PublishAsync(SafeguardSignal signal, CancellationToken cancellationToken);
}
