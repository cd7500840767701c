using Wibot.Domain.Tokens;

namespace Wibot.Application.Common.Interfaces;

/// <summary>Tokens held for a request in flight, by this instance, until it is settled, released or expires.</summary>
public sealed record TokenReservation(long ReservationId, long UsageId, long Amount);

/// <summary>
/// The monthly token ledger. The rules (rollover, admission, settlement) are those of
/// <see cref="MonthlyTokenUsage"/>; the store applies them atomically, so concurrent sends of one user
/// cannot both pass the same remaining quota.
/// </summary>
public interface ITokenLedger
{
    /// <summary>The current month's row, tracked by the unit of work (for commands that adjust it); opened by the rollover rule when absent.</summary>
    Task<MonthlyTokenUsage> CurrentAsync(int userId, DateTimeOffset now, CancellationToken ct);

    /// <summary>The current month's figures, untracked.</summary>
    Task<MonthlyTokenUsage> CurrentReadOnlyAsync(int userId, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Admits a request whose estimated input fits (<see cref="MonthlyTokenUsage.CanAdmit"/>) and holds
    /// <paramref name="holdTokens"/> for it while it runs; a broken quota rule is thrown as a domain rule violation.
    /// </summary>
    Task<TokenReservation> ReserveAsync(int userId, DateTimeOffset now, long estimatedInput, long holdTokens, CancellationToken ct);

    /// <summary>Charges the real cost and frees the reservation (<see cref="MonthlyTokenUsage.Settle"/>); returns what remains this month.</summary>
    Task<long> SettleAsync(TokenReservation reservation, long tokens, CancellationToken ct);

    /// <summary>Frees a reservation without charging anything (the model failed).</summary>
    Task ReleaseAsync(TokenReservation reservation, CancellationToken ct);
}
