using Wibot.Domain.Safeguard;
using Wibot.Domain.Users;

namespace Wibot.Domain.Tests.Safeguard;

public sealed class ToolCallTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheBinding_IgnoresKeyOrderAndSpacing_ButNotAnyValue_NorTheServerOrTheTool()
    {
        var digest = ToolCallBinding.Digest("mcp-ad", "ad_reset_password", """{"username":"jdupont","options":{"b":2,"a":[1,"x"]}}""");

        ToolCallBinding.Digest("mcp-ad", "ad_reset_password", """{ "options": { "a": [1, "x"], "b": 2 }, "username": "jdupont" }""").Should().Be(digest);
        digest.Should().MatchRegex("^[0-9a-f]{64}$");
        ToolCallBinding.Digest("mcp-ad", "ad_reset_password", """{"username":"jdupond","options":{"b":2,"a":[1,"x"]}}""").Should().NotBe(digest);
        ToolCallBinding.Digest("mcp-ad", "ad_reset_password", """{"username":"jdupont","options":{"b":2,"a":["x",1]}}""").Should().NotBe(digest, "array order matters");
        ToolCallBinding.Digest("mcp-ad2", "ad_reset_password", """{"username":"jdupont","options":{"b":2,"a":[1,"x"]}}""").Should().NotBe(digest);
        ToolCallBinding.Digest("mcp-ad", "ad_disable_account", """{"username":"jdupont","options":{"b":2,"a":[1,"x"]}}""").Should().NotBe(digest);
    }

    [Fact]
    public void AnApprovedToolCall_StartsOnce_AndFinishesOnce()
    {
        var approver = User.Create("tech.n3", "hash", null, UserRole.User, AccreditationLevel.N3, T0);
        var request = SafeguardRequest.RaiseToolCall(Guid.NewGuid(), "mcp-ad", "ad_unlock_account", """{"username":"jdupont"}""", ActionLevel.L2,
            "Compte verrouillé", RequestOrigin.Gateway, "agent", null, TimeSpan.FromMinutes(10), T0);
        request.AwaitsExecution.Should().BeFalse("nothing runs before the approval");

        request.Approve(approver, null, T0.AddMinutes(1));
        request.AwaitsExecution.Should().BeTrue();
        request.StartExecution(T0.AddMinutes(1));

        request.AwaitsExecution.Should().BeFalse();
        FluentActions.Invoking(() => request.StartExecution(T0.AddMinutes(2))).Should().Throw<InvalidOperationException>();
        request.FinishExecution(true, "jdupont déverrouillé", T0.AddMinutes(2));
        request.ExecutionStatus.Should().Be(ExecutionStatus.Succeeded);
        FluentActions.Invoking(() => request.FinishExecution(false, "encore", T0.AddMinutes(3))).Should().Throw<InvalidOperationException>();
        request.DequeueEvents().OfType<SafeguardRequestExecuted>().Should().ContainSingle();
    }

    [Fact]
    public void AToolServerRequestOfTheApi_IsNeverRunByWibot()
    {
        var approver = User.Create("tech.n3", "hash", null, UserRole.User, AccreditationLevel.N3, T0);
        var request = SafeguardRequest.Raise("ad_unlock_account", """{"username":"jdupont"}""", ActionLevel.L2, "Compte verrouillé", "mcp-ad", null, TimeSpan.FromMinutes(10), T0);

        request.Approve(approver, null, T0.AddMinutes(1));

        request.Origin.Should().Be(RequestOrigin.Api);
        request.AwaitsExecution.Should().BeFalse("the tool server that asked runs it itself");
    }
}
