namespace Wibot.Application.Common.Interfaces;

/// <summary>
/// Slows then refuses repeated login failures, per username and per client address. The counts are
/// shared by every instance on the same database, so a second instance behind a load balancer does
/// not double an attacker's budget.
/// </summary>
public interface ILoginThrottle
{
    /// <summary>When the attempt must be refused, how long the caller must wait; otherwise null.</summary>
    ValueTask<TimeSpan?> RetryAfterAsync(string username, string? clientAddress, DateTimeOffset now, CancellationToken ct);

    /// <summary>Records a failure; returns the delay to apply before answering (grows with recent failures).</summary>
    ValueTask<TimeSpan> RegisterFailureAsync(string username, string? clientAddress, DateTimeOffset now, CancellationToken ct);

    /// <summary>A successful login forgets the username's failures (not the address's).</summary>
    ValueTask RegisterSuccessAsync(string username, CancellationToken ct);
}
