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
        usage.Settle(0, 999);
        usage.EnsureCanSpend();

        usage.Settle(0, 1);
        var act = usage.EnsureCanSpend;

        act.Should().Throw<DomainRuleViolationException>().Which.RuleName.Should().Be(nameof(QuotaMustNotBeExhausted));
        usage.RemainingTokens.Should().Be(0);
    }

    [Fact]
    public void Remaining_IsNeverNegative()
    {
        var usage = MonthlyTokenUsage.Open(1, November, 100, 50_000);
        usage.Settle(0, 250);

        usage.RemainingTokens.Should().Be(0);
        usage.IsExhausted.Should().BeTrue();
    }

    [Fact]
    public void Adjust_AddsToThisMonthsQuota()
    {
        var usage = MonthlyTokenUsage.Open(1, November, 100, 50_000);
        usage.Adjust(setQuota: null, addTokens: 400);

        usage.QuotaTokens.Should().Be(500);
    }

    [Fact]
    public void Adjust_SetsThenAdds()
    {
        var usage = MonthlyTokenUsage.Open(1, November, 100, 50_000);
        usage.Adjust(setQuota: 1_000, addTokens: 250);

        usage.QuotaTokens.Should().Be(1_250);
        usage.Adjust(setQuota: 10, addTokens: null);
        usage.QuotaTokens.Should().Be(10);
    }

    [Fact]
    public void Reserve_HoldsAtLeastTheInput_AndConcurrentReservationsSeeIt()
    {
        var usage = MonthlyTokenUsage.Open(1, November, 1_000, 50_000);

        usage.Reserve(estimatedInputTokens: 300, holdTokens: 100).Should().Be(300, "a hold never covers less than the input");
        usage.Reserve(estimatedInputTokens: 200, holdTokens: 500).Should().Be(500);
        usage.ReservedTokens.Should().Be(800);
        usage.CanAdmit(200).Should().BeTrue();
        usage.CanAdmit(201).Should().BeFalse("used + reserved + estimate would pass the quota");

        var act = () => usage.Reserve(201, 201);
        act.Should().Throw<DomainRuleViolationException>().Which.Kind.Should().Be(RuleKind.QuotaExceeded);
        usage.ReservedTokens.Should().Be(800, "a refused request holds nothing");
    }

    [Fact]
    public void Reserve_WhenExhausted_BreaksTheExhaustionRuleFirst()
    {
        var usage = MonthlyTokenUsage.Open(1, November, 100, 50_000);
        usage.Settle(0, 100);

        var act = () => usage.Reserve(0, 10);

        act.Should().Throw<DomainRuleViolationException>().Which.RuleName.Should().Be(nameof(QuotaMustNotBeExhausted));
    }

    [Fact]
    public void Settle_FreesTheHold_AndChargesTheRealCost()
    {
        var usage = MonthlyTokenUsage.Open(1, November, 1_000, 50_000);
        var hold = usage.Reserve(100, 600);

        usage.Settle(hold, 250).Should().Be(750);
        usage.ReservedTokens.Should().Be(0);
        usage.UsedTokens.Should().Be(250);
    }

    [Fact]
    public void Settle_OfAnAlreadyFreedHold_NeverLeavesReservedNegative()
    {
        var usage = MonthlyTokenUsage.Open(1, November, 1_000, 50_000);

        usage.Settle(heldTokens: 400, tokens: 0).Should().Be(1_000);
        usage.ReservedTokens.Should().Be(0);
    }

    [Fact]
    public void NegativeAmounts_AreRefused()
    {
        var usage = MonthlyTokenUsage.Open(1, November, 100, 50_000);

        ((Action)(() => usage.Settle(0, -1))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => usage.Settle(-1, 0))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => usage.Reserve(-1, 0))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => usage.Adjust(-1, null))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => usage.Adjust(null, -5))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
