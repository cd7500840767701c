using Wibot.Domain.Common;
using Wibot.Domain.Safeguard;
using Wibot.Domain.Users;

namespace Wibot.Domain.Tests.Safeguard;

public sealed class SafeguardRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static User Tech(string name, AccreditationLevel level) => User.Create(name, "h", null, UserRole.User, level, Now);

    private static SafeguardRequest Request(ActionLevel level, string? requestedFor = null) =>
        SafeguardRequest.Raise("ad_reset_password", "{}", level, "raison", "mcp", requestedFor, TimeSpan.FromMinutes(45), Now);

    public static TheoryData<AccreditationLevel, ActionLevel> AllPairs()
    {
        var data = new TheoryData<AccreditationLevel, ActionLevel>();
        foreach (var a in Enum.GetValues<AccreditationLevel>())
        {
            foreach (var l in Enum.GetValues<ActionLevel>())
            {
                data.Add(a, l);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Matrix_NkDecidesLjIffKAtLeastJ_AndN0Never(AccreditationLevel accreditation, ActionLevel level)
    {
        var expected = accreditation != AccreditationLevel.N0 && (int)accreditation >= (int)level;

        AccreditationMatrix.CanDecide(accreditation, level).Should().Be(expected);

        var request = Request(level);
        var approve = () => request.Approve(Tech("t", accreditation), null, Now.AddMinutes(1));
        if (expected)
        {
            approve();
            request.Status.Should().Be(SafeguardStatus.Approved);
        }
        else
        {
            approve.Should().Throw<DomainRuleViolationException>().Which.IsAuthorizationRule.Should().BeTrue();
            request.Status.Should().Be(SafeguardStatus.Pending);
        }
    }

    [Fact]
    public void Decide_Twice_BreaksThePendingRule()
    {
        var request = Request(ActionLevel.L1);
        request.Approve(Tech("a", AccreditationLevel.N1), "ok", Now);

        var again = () => request.Reject(Tech("b", AccreditationLevel.N4), "non", Now);

        again.Should().Throw<DomainRuleViolationException>().Which.RuleName.Should().Be(nameof(SafeguardRequestMustBePending));
    }

    [Fact]
    public void Decide_AfterExpiry_IsRefusedEvenIfNotMarked()
    {
        var request = Request(ActionLevel.L1);

        var late = () => request.Approve(Tech("a", AccreditationLevel.N4), null, Now.AddMinutes(45));

        late.Should().Throw<DomainRuleViolationException>().Which.RuleName.Should().Be(nameof(SafeguardRequestMustNotBeExpired));
        request.StatusAt(Now.AddMinutes(45)).Should().Be(SafeguardStatus.Expired);
        request.StatusAt(Now.AddMinutes(44)).Should().Be(SafeguardStatus.Pending);
    }

    [Fact]
    public void Decide_OnOwnBehalf_IsRefused()
    {
        var request = Request(ActionLevel.L1, requestedFor: "JDupont");

        var own = () => request.Approve(Tech("jdupont", AccreditationLevel.N4), null, Now);

        own.Should().Throw<DomainRuleViolationException>().Which.RuleName.Should().Be(nameof(RequesterCannotDecideOwnRequest));
    }

    [Fact]
    public void Expire_OnlyMarksPendingRequestsPastTheirTime()
    {
        var request = Request(ActionLevel.L2);

        request.Expire(Now.AddMinutes(10)).Should().BeFalse();
        request.Expire(Now.AddMinutes(45)).Should().BeTrue();
        request.Status.Should().Be(SafeguardStatus.Expired);
        request.Expire(Now.AddMinutes(50)).Should().BeFalse();
    }

    [Theory]
    [InlineData(10)]
    [InlineData(90_000)]
    public void Raise_RefusesAnOutOfRangeTimeToLive(int seconds)
    {
        var act = () => SafeguardRequest.Raise("t", "{}", ActionLevel.L1, "r", "mcp", null, TimeSpan.FromSeconds(seconds), Now);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Theory]
    [InlineData(1, "APR-001")]
    [InlineData(42, "APR-042")]
    [InlineData(1234, "APR-1234")]
    public void ReadableIds_RoundTrip(long id, string text)
    {
        SafeguardRequest.FormatId(id).Should().Be(text);
        SafeguardRequest.TryParseId(text, out var parsed).Should().BeTrue();
        parsed.Should().Be(id);
        SafeguardRequest.TryParseId("APR-", out _).Should().BeFalse();
        SafeguardRequest.TryParseId("XYZ-001", out _).Should().BeFalse();
    }
}
