using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Application.Common.Sql;
using Wibot.Domain.Common;
using Wibot.Domain.Tokens;

namespace Wibot.Application.Tokens;

/// <summary>Finds a user's usage row for the current month, opening it by the rollover rule when needed.</summary>
public sealed class TokenLedger(IWibotDbContext db, QuotaCalendar calendar, IOptions<QuotaOptions> options)
{
    public QuotaCalendar Calendar => calendar;

    /// <summary>The current month's row, tracked (for commands that change it).</summary>
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

    /// <summary>The current month's figures without tracking (one query when the row exists).</summary>
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
    /// Admits a request by reserving an upper bound of its cost. The database admits it only while
    /// used + reserved stays under the quota, so concurrent sends overshoot by one message at most.
    /// </summary>
    public async Task<TokenReservation> ReserveAsync(int userId, DateTimeOffset now, long amount, CancellationToken ct)
    {
        // The usual case, in one statement: this month's row exists and has room.
        var month = calendar.MonthOf(now);
        long? reserved = null;
        await SqlBatch.RunAsync(
            db,
            "UPDATE user_token_usage SET reserved_tokens = reserved_tokens + @amount WHERE user_id = @user AND month = @month AND used_tokens + reserved_tokens < quota_tokens RETURNING usage_id",
            new Dictionary<string, object> { ["amount"] = amount, ["user"] = userId, ["month"] = month },
            async reader =>
            {
                if (await reader.ReadAsync(ct))
                {
                    reserved = reader.GetInt64(0);
                }
            },
            ct);
        if (reserved is { } id)
        {
            return new TokenReservation(id, amount);
        }

        // The month is not opened yet, or the quota is spent: the domain rule decides and explains.
        var usage = await CurrentReadOnlyAsync(userId, now, ct);
        usage.EnsureCanSpend();
        var admitted = await db.Database.ExecuteSqlAsync(
            $"UPDATE user_token_usage SET reserved_tokens = reserved_tokens + {amount} WHERE usage_id = {usage.Id} AND used_tokens + reserved_tokens < quota_tokens",
            ct);
        if (admitted == 0)
        {
            throw new DomainRuleViolationException(new QuotaMustNotBeExhausted(usage));
        }

        return new TokenReservation(usage.Id, amount);
    }

    /// <summary>Charges the real cost and frees the reservation; returns what remains this month.</summary>
    public async Task<long> SettleAsync(TokenReservation reservation, long tokens, CancellationToken ct)
    {
        long remaining = 0;
        await SqlBatch.RunAsync(
            db,
            "UPDATE user_token_usage SET used_tokens = used_tokens + @tokens, reserved_tokens = GREATEST(reserved_tokens - @reserved, 0) WHERE usage_id = @id RETURNING GREATEST(quota_tokens - used_tokens, 0)",
            new Dictionary<string, object> { ["tokens"] = tokens, ["reserved"] = reservation.Amount, ["id"] = reservation.UsageId },
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

    /// <summary>Frees a reservation without charging anything (the model failed).</summary>
    public Task ReleaseAsync(TokenReservation reservation, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync(
            $"UPDATE user_token_usage SET reserved_tokens = GREATEST(reserved_tokens - {reservation.Amount}, 0) WHERE usage_id = {reservation.UsageId}",
            ct);

    private async Task OpenAsync(int userId, DateOnly month, long? inheritedQuota, CancellationToken ct)
    {
        // The domain decides the opening figures; the insert is idempotent under concurrent first requests.
        var opened = MonthlyTokenUsage.Open(userId, month, inheritedQuota, options.Value.DefaultMonthlyTokens);
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO user_token_usage (user_id, month, used_tokens, quota_tokens) VALUES ({opened.UserId}, {opened.Month}, {opened.UsedTokens}, {opened.QuotaTokens}) ON CONFLICT (user_id, month) DO NOTHING",
            ct);
    }
}

public sealed record TokenReservation(long UsageId, long Amount);
