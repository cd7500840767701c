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

    /// <summary>
    /// The admission rule: a message is admitted only while its estimated input fits what is neither
    /// used nor held by requests in flight (the answer's length is not reserved). Concurrent sends can
    /// therefore pass the quota by one answer at most, never by a huge input.
    /// Mirrored atomically by the ledger's reservation statement (Infrastructure/application SQL).
    /// </summary>
    public bool CanAdmit(long estimatedInputTokens) => UsedTokens + ReservedTokens + estimatedInputTokens <= QuotaTokens;

    public void EnsureCanAdmit(long estimatedInputTokens)
    {
        EnsureCanSpend();
        Rules.Check(new QuotaMustCoverEstimatedInput(this, estimatedInputTokens));
    }

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

    public bool IsQuotaRule => true;
}

public sealed class QuotaMustCoverEstimatedInput(MonthlyTokenUsage usage, long estimatedInputTokens) : IBusinessRule
{
    public bool IsBroken() => !usage.CanAdmit(estimatedInputTokens);

    public string Message =>
        $"This message needs about {estimatedInputTokens} tokens of input, more than the {Math.Max(0, usage.QuotaTokens - usage.UsedTokens - usage.ReservedTokens)} left this month. Shorten it or remove attachments.";

    public bool IsQuotaRule => true;
}
