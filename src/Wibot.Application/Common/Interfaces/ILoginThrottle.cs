namespace Wibot.Application.Common.Interfaces;

/// <summary>Slows then refuses repeated login failures, per username and per client address.</summary>
public interface ILoginThrottle
{
    /// <summary>When the attempt must be refused, how long the caller must wait; otherwise null.</summary>
    TimeSpan? RetryAfter(string username, string? clientAddress, DateTimeOffset now);

    /// <summary>The delay to apply before answering a failed attempt (grows with recent failures).</summary>
    TimeSpan RegisterFailure(string username, string? clientAddress, DateTimeOffset now);

    void RegisterSuccess(string username, string? clientAddress);
}
