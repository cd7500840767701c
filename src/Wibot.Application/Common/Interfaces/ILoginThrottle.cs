namespace Wibot.Application.Common.Interfaces;

/// <summary>
/// Slows then refuses repeated password failures. An attempt is counted <em>before</em> the password is
/// checked, so parallel bursts are bounded too. Limits: per username and client address (a lock-out
/// there does not lock the user out elsewhere), per username across addresses (each address counting
/// for at most half the limit, so only failures from several addresses lock a username everywhere), and
/// per client address. The counts are shared by every instance on the same database.
/// </summary>
public interface ILoginThrottle
{
    /// <summary>Counts an attempt as a failure until it succeeds, or refuses it (with how long to wait).</summary>
    ValueTask<LoginAttempt> BeginAsync(string username, string? clientAddress, DateTimeOffset now, CancellationToken ct);

    /// <summary>The attempt failed (it is already counted): the delay to apply before answering.</summary>
    TimeSpan DelayAfterFailure(LoginAttempt attempt);

    /// <summary>The attempt succeeded: it and the earlier failures of this username from this address are forgotten.</summary>
    ValueTask SucceededAsync(LoginAttempt attempt, CancellationToken ct);
}

/// <summary>
/// An attempt as the throttle saw it. <see cref="RetryAfter"/> is set when it was refused;
/// <see cref="ThrottledBefore"/> counts the refusals of this username and address earlier in the window.
/// </summary>
public sealed record LoginAttempt(string Username, string? ClientAddress, long? Id, long FailuresBefore, TimeSpan? RetryAfter, long ThrottledBefore)
{
    public bool Refused => RetryAfter is not null;
}
