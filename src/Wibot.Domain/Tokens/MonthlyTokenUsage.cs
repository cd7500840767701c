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
    /// </summary>
    public bool CanAdmit(long estimatedInputTokens) => UsedTokens + ReservedTokens + estimatedInputTokens <= QuotaTokens;

    /// <summary>What a request holds while it runs: at least its estimated input.</summary>
    public static long HoldFor(long estimatedInputTokens, long holdTokens) => Math.Max(estimatedInputTokens, holdTokens);

    /// <summary>
    /// Admits a request (quota not exhausted, estimated input within what is left) and holds
    /// <see cref="HoldFor"/> tokens for it until it is settled. Mirrored atomically by
    /// <c>PostgresTokenLedger.ReserveAsync</c> (one UPDATE … WHERE used + reserved + estimate &lt;= quota).
    /// </summary>
    /// <returns>The tokens held.</returns>
    public long Reserve(long estimatedInputTokens, long holdTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(estimatedInputTokens);
        EnsureCanSpend();
        Rules.Check(new QuotaMustCoverEstimatedInput(this, estimatedInputTokens));
        var hold = HoldFor(estimatedInputTokens, holdTokens);
        ReservedTokens = checked(ReservedTokens + hold);
        return hold;
    }

    /// <summary>
    /// Ends a reservation: its hold is freed and the real cost charged (0 when the model failed).
    /// Mirrored atomically by <c>PostgresTokenLedger.SettleAsync</c>.
    /// </summary>
    /// <returns>What remains this month.</returns>
    public long Settle(long heldTokens, long tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(heldTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(tokens);
        ReservedTokens = Math.Max(ReservedTokens - heldTokens, 0);
        UsedTokens = checked(UsedTokens + tokens);
        return RemainingTokens;
    }

    /// <summary>An administrator's adjustment of this month's quota: set it, then add to it (either or both); later months inherit the result.</summary>
    public void Adjust(long? setQuota, long? addTokens)
    {
        if (setQuota is { } quota)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(quota);
            QuotaTokens = quota;
        }

        if (addTokens is { } add)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(add);
            QuotaTokens = checked(QuotaTokens + add);
        }
    }
}

public sealed class QuotaMustNotBeExhausted(MonthlyTokenUsage usage) : IBusinessRule
{
    public bool IsBroken() => usage.IsExhausted;

    public string Message => "Monthly token quota exhausted.";

    public RuleKind Kind => RuleKind.QuotaExceeded;
}

public sealed class QuotaMustCoverEstimatedInput(MonthlyTokenUsage usage, long estimatedInputTokens) : IBusinessRule
{
    public bool IsBroken() => !usage.CanAdmit(estimatedInputTokens);

    public string Message =>
        $"This message needs about {estimatedInputTokens} tokens of input, more than the {Math.Max(0, usage.QuotaTokens - usage.UsedTokens - usage.ReservedTokens)} left this month. Shorten it or remove attachments.";

    public RuleKind Kind => RuleKind.QuotaExceeded;
}
