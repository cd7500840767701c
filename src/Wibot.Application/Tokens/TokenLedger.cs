using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
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

    private async Task OpenAsync(int userId, DateOnly month, long? inheritedQuota, CancellationToken ct)
    {
        // The domain decides the opening figures; the insert is idempotent under concurrent first requests.
        var opened = MonthlyTokenUsage.Open(userId, month, inheritedQuota, options.Value.DefaultMonthlyTokens);
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO user_token_usage (user_id, month, used_tokens, quota_tokens) VALUES ({opened.UserId}, {opened.Month}, {opened.UsedTokens}, {opened.QuotaTokens}) ON CONFLICT (user_id, month) DO NOTHING",
            ct);
    }
}
