using Wibot.Domain.Tools;

namespace Wibot.Domain.Tests.Tools;

public sealed class ToolServerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    private static ListedTool Listed(string name, string? description = null) => new(name, null, description, "{\"type\":\"object\"}", null);

    [Fact]
    public void AListing_BringsNewToolsAtL4_KeepsTheLevelsAlreadySet_AndDropsWhatTheServerNoLongerHas()
    {
        var server = ToolServer.Register("mcp-ad", "http://10.0.0.5:8080/mcp", null, [], T0);
        server.ApplyListing([Listed("ad_get_user_info"), Listed("ad_reset_password"), Listed("ad_old_tool")], T0);
        server.Tool("ad_get_user_info")!.Classify(ToolLevel.L0, null);
        server.Tool("ad_reset_password")!.Classify(ToolLevel.L3, enabled: false);

        server.ApplyListing([Listed("ad_get_user_info", "nouvelle description"), Listed("ad_reset_password"), Listed("glpi_close_ticket")], T0.AddMinutes(1));

        server.Tools.Select(t => t.Name).Should().BeEquivalentTo("ad_get_user_info", "ad_reset_password", "glpi_close_ticket");
        server.Tool("ad_get_user_info")!.Level.Should().Be(ToolLevel.L0);
        server.Tool("ad_get_user_info")!.Description.Should().Be("nouvelle description", "what a tool does follows the server");
        server.Tool("ad_reset_password")!.Level.Should().Be(ToolLevel.L3);
        server.Tool("ad_reset_password")!.Enabled.Should().BeFalse();
        server.Tool("glpi_close_ticket")!.Level.Should().Be(ToolLevel.L4, "a tool nobody classified needs the strictest approval");
        server.Tool("glpi_close_ticket")!.Enabled.Should().BeTrue();
        server.Status.Should().Be(ToolServerStatus.Ok);
    }

    [Fact]
    public void AnUnreachableServer_KeepsItsTools_AndSaysWhy()
    {
        var server = ToolServer.Register("mcp-glpi", "https://glpi.local/mcp", null, [], T0);
        server.ApplyListing([Listed("glpi_close_ticket")], T0);

        server.MarkUnreachable(new string('x', 800), T0.AddMinutes(1));

        server.Status.Should().Be(ToolServerStatus.Unreachable);
        server.Error!.Length.Should().Be(ToolServer.ErrorMaxLength);
        server.Tools.Should().ContainSingle();
    }

    [Theory]
    [InlineData("mcp-ad", "http://127.0.0.1:9000/mcp", true)]
    [InlineData("mcp_glpi2", "https://10.1.2.3/mcp", true)]
    [InlineData("mcp ad", "http://127.0.0.1/mcp", false)]
    [InlineData("mcp-ad", "ftp://10.0.0.5/mcp", false)]
    [InlineData("mcp-ad", "/relative/mcp", false)]
    [InlineData("", "http://127.0.0.1/mcp", false)]
    public void NamesAndUrls_AreChecked(string name, string url, bool valid)
    {
        (ToolServer.IsValidName(name) && ToolServer.IsValidUrl(url)).Should().Be(valid);
    }
}
