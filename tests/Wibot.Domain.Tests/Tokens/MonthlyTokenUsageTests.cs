using Wibot.Domain.Common;
using Wibot.Domain.Tokens;

namespace Wibot.Domain.Tests.Tokens;

public sealed class MonthlyTokenUsageTests
{
    private static readonly DateOnly November = new(2026, 11, 1);

    [Fact]
    public void Open_WithoutEarlierMonth_UsesTheDefaultQuota()
    {
        var usage = MonthlyTokenUsage.Open(1, November, inheritedQuota: null, defaultQuota: 50_000);

        usage.UsedTokens.Should().Be(0);
        usage.QuotaTokens.Should().Be(50_000);
        usage.RemainingTokens.Should().Be(50_000);
    }

    [Fact]
    public void Open_InheritsTheLatestEarlierQuota()
    {
        MonthlyTokenUsage.Open(1, November, inheritedQuota: 120_000, defaultQuota: 50_000).QuotaTokens.Should().Be(120_000);
    }

    [Fact]
    public void Open_RefusesADayOtherThanTheFirst()
    {
        var act = () => MonthlyTokenUsage.Open(1, new DateOnly(2026, 11, 2), null, 50_000);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void EnsureCanSpend_WhenUsedReachesQuota_BreaksTheQuotaRule()
    {
        var usage = MonthlyTokenUsage.Open(1, November, 1_000, 50_000);
        usage.Charge(999);
        usage.EnsureCanSpend();

        usage.Charge(1);
        var act = usage.EnsureCanSpend;

        act.Should().Throw<DomainRuleViolationException>().Which.RuleName.Should().Be(nameof(QuotaMustNotBeExhausted));
        usage.RemainingTokens.Should().Be(0);
    }

    [Fact]
    public void Remaining_IsNeverNegative()
    {
        var usage = MonthlyTokenUsage.Open(1, November, 100, 50_000);
        usage.Charge(250);

        usage.RemainingTokens.Should().Be(0);
        usage.IsExhausted.Should().BeTrue();
    }

    [Fact]
    public void AddToQuota_RaisesThisMonthsQuota()
    {
        var usage = MonthlyTokenUsage.Open(1, November, 100, 50_000);
        usage.AddToQuota(400);

        usage.QuotaTokens.Should().Be(500);
    }

    [Fact]
    public void NegativeAmounts_AreRefused()
    {
        var usage = MonthlyTokenUsage.Open(1, November, 100, 50_000);

        ((Action)(() => usage.Charge(-1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => usage.SetQuota(-1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => usage.AddToQuota(-5))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
