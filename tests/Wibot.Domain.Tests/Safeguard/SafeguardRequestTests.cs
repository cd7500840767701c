using Wibot.Domain.Common;
using Wibot.Domain.Safeguard;
using Wibot.Domain.Users;

namespace Wibot.Domain.Tests.Safeguard;

public sealed class SafeguardRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private static int _nextId = 100;

    /// <summary>A stored user (with an id, as the rules compare ids).</summary>
    private static User Tech(string name, AccreditationLevel level, bool active = true)
    {
        var user = User.Create(name, "h", null, UserRole.User, level, Now);
        typeof(User).GetProperty(nameof(User.Id))!.SetValue(user, Interlocked.Increment(ref _nextId));
        if (!active)
        {
            user.Deactivate();
        }

        return user;
    }

    private static SafeguardRequest Request(ActionLevel level, User? requestedFor = null) =>
        SafeguardRequest.Raise("ad_reset_password", "{}", level, "raison", "mcp", requestedFor, TimeSpan.FromMinutes(45), Now);

    /// <summary>The guide's matrix, written out cell by cell (rows: action level; columns: N0..N4).</summary>
    public static TheoryData<AccreditationLevel, ActionLevel, bool> GuideMatrix() => new()
    {
        { AccreditationLevel.N0, ActionLevel.L1, false }, { AccreditationLevel.N1, ActionLevel.L1, true }, { AccreditationLevel.N2, ActionLevel.L1, true }, { AccreditationLevel.N3, ActionLevel.L1, true }, { AccreditationLevel.N4, ActionLevel.L1, true },
        { AccreditationLevel.N0, ActionLevel.L2, false }, { AccreditationLevel.N1, ActionLevel.L2, false }, { AccreditationLevel.N2, ActionLevel.L2, true }, { AccreditationLevel.N3, ActionLevel.L2, true }, { AccreditationLevel.N4, ActionLevel.L2, true },
        { AccreditationLevel.N0, ActionLevel.L3, false }, { AccreditationLevel.N1, ActionLevel.L3, false }, { AccreditationLevel.N2, ActionLevel.L3, false }, { AccreditationLevel.N3, ActionLevel.L3, true }, { AccreditationLevel.N4, ActionLevel.L3, true },
        { AccreditationLevel.N0, ActionLevel.L4, false }, { AccreditationLevel.N1, ActionLevel.L4, false }, { AccreditationLevel.N2, ActionLevel.L4, false }, { AccreditationLevel.N3, ActionLevel.L4, false }, { AccreditationLevel.N4, ActionLevel.L4, true },
    };

    [Fact]
    public void GuideMatrix_CoversEveryPairOnce() => GuideMatrix().Should().HaveCount(5 * 4);

    [Theory]
    [MemberData(nameof(GuideMatrix))]
    public void Matrix_FollowsTheGuideTable(AccreditationLevel accreditation, ActionLevel level, bool expected)
    {
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
        var jdupont = Tech("jdupont", AccreditationLevel.N4);
        var request = Request(ActionLevel.L1, requestedFor: jdupont);

        request.CanBeDecidedBy(jdupont, Now).Should().BeFalse();
        var own = () => request.Approve(jdupont, null, Now);

        own.Should().Throw<DomainRuleViolationException>().Which.RuleName.Should().Be(nameof(RequesterCannotDecideOwnRequest));
        request.RequestedForId.Should().Be(jdupont.Id);
        request.RequestedFor.Should().Be("jdupont");
    }

    [Fact]
    public void Decide_OnOwnBehalf_IsJudgedByIdentity_NotByASimilarName()
    {
        var jdupont = Tech("jdupont", AccreditationLevel.N4);
        var namesake = Tech("JDupont", AccreditationLevel.N4);
        var request = Request(ActionLevel.L1, requestedFor: jdupont);

        request.CanBeDecidedBy(namesake, Now).Should().BeTrue();
        request.Approve(namesake, null, Now);
        request.Status.Should().Be(SafeguardStatus.Approved);
    }

    [Fact]
    public void Decide_ByADeactivatedAccount_IsRefused_AndCanBeDecidedBySaysSo()
    {
        var request = Request(ActionLevel.L1);
        var gone = Tech("gone", AccreditationLevel.N4, active: false);

        request.CanBeDecidedBy(gone, Now).Should().BeFalse();
        var act = () => request.Approve(gone, null, Now);

        act.Should().Throw<DomainRuleViolationException>().Which.RuleName.Should().Be(nameof(ApproverMustBeActive));
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
