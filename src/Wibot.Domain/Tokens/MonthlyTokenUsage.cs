using Wibot.Domain.Common;

namespace Wibot.Domain.Tokens;

/// <summary>A user's token consumption and quota for one calendar month (table user_token_usage).</summary>
public sealed class MonthlyTokenUsage
{
    private MonthlyTokenUsage()
    {
    }

    public long Id { get; private set; }

    public int UserId { get; private set; }

    /// <summary>First day of the calendar month, in the configured time zone.</summary>
    public DateOnly Month { get; private set; }

    public long UsedTokens { get; private set; }

    public long QuotaTokens { get; private set; }

    /// <summary>Tokens held by requests in flight (admitted, not yet settled); not shown as used.</summary>
    public long ReservedTokens { get; private set; }

    public long RemainingTokens => Math.Max(0, QuotaTokens - UsedTokens);

    public bool IsExhausted => UsedTokens >= QuotaTokens;

    /// <summary>
    /// Opens a month: nothing used, the quota inherited from the user's latest earlier month,
    /// or the default when there is none (the monthly rollover rule).
    /// </summary>
    public static MonthlyTokenUsage Open(int userId, DateOnly month, long? inheritedQuota, long defaultQuota)
    {
        if (month.Day != 1)
        {
            throw new ArgumentException("A quota month starts on its first day.", nameof(month));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(defaultQuota);
        return new MonthlyTokenUsage
        {
            UserId = userId,
            Month = month,
            UsedTokens = 0,
            QuotaTokens = inheritedQuota is >= 0 ? inheritedQuota.Value : defaultQuota,
        };
    }

    public void EnsureCanSpend() => Rules.Check(new QuotaMustNotBeExhausted(this));

    public void Charge(long tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        UsedTokens += tokens;
    }

    public void SetQuota(long quota)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quota);
        QuotaTokens = quota;
    }

    public void AddToQuota(long tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        QuotaTokens = checked(QuotaTokens + tokens);
    }
}

public sealed class QuotaMustNotBeExhausted(MonthlyTokenUsage usage) : IBusinessRule
{
    public bool IsBroken() => usage.IsExhausted;

    public string Message => "Monthly token quota exhausted.";
}
