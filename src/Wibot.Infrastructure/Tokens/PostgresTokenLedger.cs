using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Domain.Common;
using Wibot.Domain.Tokens;
using Wibot.Infrastructure.Persistence;

namespace Wibot.Infrastructure.Tokens;

/// <summary>
/// The ledger on PostgreSQL: each statement is the atomic mirror of a <see cref="MonthlyTokenUsage"/>
/// method, named next to it, so that concurrent requests of one user are serialized by the row.
/// </summary>
internal sealed class PostgresTokenLedger(WibotDbContext db, QuotaCalendar calendar, IOptions<QuotaOptions> options, IOptions<LlmOptions> llm, InstanceIdentity instance)
    : ITokenLedger
{
    // A turn never outlives the model's overall timeout; past it (plus a margin), its reservation is freed by any instance.
    private readonly TimeSpan reservationLifetime = TimeSpan.FromSeconds(Math.Max(1, llm.Value.TimeoutSeconds) + 60);

    public async Task<MonthlyTokenUsage> CurrentAsync(int userId, DateTimeOffset now, CancellationToken ct)
    {
        var month = calendar.MonthOf(now);
        var latest = await db.TokenUsage
            .Where(t => t.UserId == userId && t.Month <= month)
            .OrderByDescending(t => t.Month)
            .FirstOrDefaultAsync(ct);
        if (latest is not null && latest.Month == month)
        {
            return latest;
        }

        await OpenAsync(userId, month, latest?.QuotaTokens, ct);
        return await db.TokenUsage.FirstAsync(t => t.UserId == userId && t.Month == month, ct);
    }

    // One query when the row exists.
    public async Task<MonthlyTokenUsage> CurrentReadOnlyAsync(int userId, DateTimeOffset now, CancellationToken ct)
    {
        var month = calendar.MonthOf(now);
        var latest = await db.TokenUsage.AsNoTracking()
            .Where(t => t.UserId == userId && t.Month <= month)
            .OrderByDescending(t => t.Month)
            .FirstOrDefaultAsync(ct);
        if (latest is not null && latest.Month == month)
        {
            return latest;
        }

        await OpenAsync(userId, month, latest?.QuotaTokens, ct);
        return await db.TokenUsage.AsNoTracking().FirstAsync(t => t.UserId == userId && t.Month == month, ct);
    }

    /// <summary>
    /// Mirrors <see cref="MonthlyTokenUsage.Reserve"/> in one statement: admitted when used + reserved +
    /// estimate stays within the quota (<see cref="MonthlyTokenUsage.CanAdmit"/>), then the hold is added to
    /// reserved_tokens. The reservation belongs to this instance and expires, so that a crash frees it and
    /// a restart of another instance does not.
    /// </summary>
    public async Task<TokenReservation> ReserveAsync(int userId, DateTimeOffset now, long estimatedInput, long holdTokens, CancellationToken ct)
    {
        var hold = MonthlyTokenUsage.HoldFor(estimatedInput, holdTokens);
        // The usual case, in one statement: this month's row exists and has room.
        var month = calendar.MonthOf(now);
        var reservation = await TryReserveAsync(
            "user_id = @user AND month = @month", new Dictionary<string, object> { ["user"] = userId, ["month"] = month }, estimatedInput, hold, ct);
        if (reservation is not null)
        {
            return reservation;
        }

        // The month is not opened yet, or the quota does not allow it: the domain rule decides and explains.
        var usage = await CurrentReadOnlyAsync(userId, now, ct);
        usage.Reserve(estimatedInput, holdTokens);
        return await TryReserveAsync("usage_id = @id", new Dictionary<string, object> { ["id"] = usage.Id }, estimatedInput, hold, ct)
            ?? throw new DomainRuleViolationException(new QuotaMustCoverEstimatedInput(usage, estimatedInput));
    }

    /// <summary>Mirrors <see cref="MonthlyTokenUsage.Settle"/>: the reservation is deleted, its hold freed and the real cost charged.</summary>
    public async Task<long> SettleAsync(TokenReservation reservation, long tokens, CancellationToken ct)
    {
        long remaining = 0;
        await SqlBatch.RunAsync(
            db,
            """
            WITH freed AS (DELETE FROM token_reservations WHERE reservation_id = @reservation RETURNING amount)
            UPDATE user_token_usage
               SET used_tokens = used_tokens + @tokens,
                   reserved_tokens = GREATEST(reserved_tokens - COALESCE((SELECT amount FROM freed), 0), 0)
             WHERE usage_id = @id
            RETURNING GREATEST(quota_tokens - used_tokens, 0)
            """,
            new Dictionary<string, object> { ["tokens"] = tokens, ["reservation"] = reservation.ReservationId, ["id"] = reservation.UsageId },
            async reader =>
            {
                if (await reader.ReadAsync(ct))
                {
                    remaining = reader.GetInt64(0);
                }
            },
            ct);
        return remaining;
    }

    public Task ReleaseAsync(TokenReservation reservation, CancellationToken ct) => SettleAsync(reservation, 0, ct);

    private async Task<TokenReservation?> TryReserveAsync(string row, Dictionary<string, object> parameters, long input, long amount, CancellationToken ct)
    {
        parameters["input"] = input;
        parameters["amount"] = amount;
        parameters["instance"] = instance.Id;
        parameters["ttl"] = (double)reservationLifetime.TotalSeconds;
        TokenReservation? reserved = null;
        await SqlBatch.RunAsync(
            db,
            $"""
            WITH admitted AS (
                UPDATE user_token_usage SET reserved_tokens = reserved_tokens + @amount
                 WHERE {row} AND used_tokens + reserved_tokens + @input <= quota_tokens
                RETURNING usage_id)
            INSERT INTO token_reservations (usage_id, amount, instance_id, expires_at)
            SELECT usage_id, @amount, @instance, now() + make_interval(secs => @ttl) FROM admitted
            RETURNING reservation_id, usage_id
            """,
            parameters,
            async reader =>
            {
                if (await reader.ReadAsync(ct))
                {
                    reserved = new TokenReservation(reader.GetInt64(0), reader.GetInt64(1), amount);
                }
            },
            ct);
        return reserved;
    }

    private async Task OpenAsync(int userId, DateOnly month, long? inheritedQuota, CancellationToken ct)
    {
        // Mirrors MonthlyTokenUsage.Open (the rollover rule decides the figures); idempotent under concurrent first requests.
        var opened = MonthlyTokenUsage.Open(userId, month, inheritedQuota, options.Value.DefaultMonthlyTokens);
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO user_token_usage (user_id, month, used_tokens, quota_tokens) VALUES ({opened.UserId}, {opened.Month}, {opened.UsedTokens}, {opened.QuotaTokens}) ON CONFLICT (user_id, month) DO NOTHING",
            ct);
    }
}

/// <summary>This process, as the owner of the reservations it makes (a new identity at every start).</summary>
internal sealed class InstanceIdentity
{
    public Guid Id { get; } = Guid.CreateVersion7();
}
