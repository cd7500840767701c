using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Fakes;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Tools;

/// <summary>Admins register MCP tool servers; WIBOT lists their tools over the real protocol and keeps each tool's level itself.</summary>
public sealed class ToolServersTests(WibotFactory factory) : ApiTestBase(factory)
{
    private const string Route = "/webhook/wibot/admin/mcp-servers";

    private async Task<HttpClient> AdminAsync()
    {
        await CreateUserAsync("tools.admin", role: UserRole.Admin, level: AccreditationLevel.N4);
        return ClientWithToken(await LoginAsync("tools.admin"));
    }

    private object Registration(string name = "mcp-ad") =>
        new { name, url = Factory.ToolServer.Url, headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {FakeToolServer.Secret}" } };

    private static JsonElement Tool(JsonElement server, string name) =>
        server.GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("name").GetString() == name);

    [Fact]
    public async Task Register_ListsTheServersToolsAtOnce_AllAtL4_WithTheServersHintsShown_AndTheHeadersNeverReturned()
    {
        using var admin = await AdminAsync();

        var created = await admin.PostAsJsonAsync(Route, Registration());

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var raw = await created.Content.ReadAsStringAsync();
        raw.Should().NotContain(FakeToolServer.Secret, "header values are secrets");
        var server = JsonDocument.Parse(raw).RootElement;
        server.GetProperty("success").GetBoolean().Should().BeTrue();
        server.GetProperty("name").GetString().Should().Be("mcp-ad");
        server.GetProperty("enabled").GetBoolean().Should().BeTrue();
        server.GetProperty("status").GetString().Should().Be("ok");
        server.GetProperty("error").ValueKind.Should().Be(JsonValueKind.Null);
        server.GetProperty("header_names").EnumerateArray().Select(h => h.GetString()).Should().Equal("Authorization");
        server.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString())
            .Should().BeEquivalentTo("ad_get_user_info", "ad_unlock_account", "ad_reset_password", "ad_disable_account", "glpi_close_ticket");
        server.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("level").GetString()).Should().OnlyContain(l => l == "L4", "nobody has classified them yet");
        var read = Tool(server, "ad_get_user_info");
        read.GetProperty("title").GetString().Should().Be("Fiche AD");
        read.GetProperty("description").GetString().Should().Contain("Active Directory");
        read.GetProperty("annotations").GetProperty("readOnlyHint").GetBoolean().Should().BeTrue("the server's hint is shown, not trusted");
        Tool(server, "ad_disable_account").GetProperty("annotations").GetProperty("destructiveHint").GetBoolean().Should().BeTrue();

        var listed = await ReadJsonAsync(await admin.GetAsync(Route));
        listed.GetProperty("servers").EnumerateArray().Single().GetProperty("server_id").GetGuid().Should().Be(server.GetProperty("server_id").GetGuid());
        var stored = await WithDbAsync(db => db.ToolServers.AsNoTracking().Select(s => s.ProtectedHeaders).SingleAsync());
        stored.Should().NotBeNull().And.NotContain(FakeToolServer.Secret, "headers are encrypted at rest");
        var audit = await WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "admin.mcp_server.registered" && a.Target == "mcp-ad").Select(a => a.Details).ToListAsync());
        audit.Should().ContainSingle().Which.Should().Contain("Authorization").And.NotContain(FakeToolServer.Secret);
    }

    [Fact]
    public async Task AServerThatCannotBeReached_IsSavedAsUnreachable_WithAClearError_AndAWrongSecretToo()
    {
        using var admin = await AdminAsync();

        var down = await admin.PostAsJsonAsync(Route, new { name = "mcp-down", url = $"http://127.0.0.1:{Ports.Free()}/mcp" });
        var refused = await admin.PostAsJsonAsync(Route, new { name = "mcp-wrong-key", url = Factory.ToolServer.Url, headers = new Dictionary<string, string> { ["Authorization"] = "Bearer faux" } });

        down.StatusCode.Should().Be(HttpStatusCode.Created);
        var a = await ReadJsonAsync(down);
        a.GetProperty("status").GetString().Should().Be("unreachable");
        a.GetProperty("error").GetString().Should().Contain("cannot be reached");
        a.GetProperty("tools").GetArrayLength().Should().Be(0);
        refused.StatusCode.Should().Be(HttpStatusCode.Created);
        var b = await ReadJsonAsync(refused);
        b.GetProperty("status").GetString().Should().Be("unreachable");
        b.GetProperty("error").GetString().Should().Contain("401").And.NotContain("faux");
    }

    [Fact]
    public async Task Classify_SetsLevelAndFlag_AndARefreshKeepsThem_WhileANewToolComesInAtL4()
    {
        using var admin = await AdminAsync();
        var server = await ReadJsonAsync(await admin.PostAsJsonAsync(Route, Registration()));
        var id = server.GetProperty("server_id").GetGuid();

        var classified = await admin.PutAsJsonAsync($"{Route}/{id}/tools/ad_get_user_info", new { level = "L0" });
        var disabled = await admin.PutAsJsonAsync($"{Route}/{id}/tools/ad_disable_account", new { level = "L4", enabled = false });
        (await admin.PutAsJsonAsync($"{Route}/{id}/tools/ad_reset_password", new { level = "L3" })).StatusCode.Should().Be(HttpStatusCode.OK);

        classified.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(classified)).GetProperty("level").GetString().Should().Be("L0");
        (await ReadJsonAsync(disabled)).GetProperty("enabled").GetBoolean().Should().BeFalse();

        // WIBOT forgets glpi_close_ticket, as if the server had just added it; a refresh brings it back at L4.
        await WithDbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM mcp_tools WHERE name = 'glpi_close_ticket'"));
        var refreshed = await admin.PostAsync($"{Route}/{id}/refresh", null);

        refreshed.StatusCode.Should().Be(HttpStatusCode.OK);
        var after = await ReadJsonAsync(refreshed);
        Tool(after, "ad_get_user_info").GetProperty("level").GetString().Should().Be("L0");
        Tool(after, "ad_reset_password").GetProperty("level").GetString().Should().Be("L3");
        Tool(after, "ad_disable_account").GetProperty("enabled").GetBoolean().Should().BeFalse();
        Tool(after, "glpi_close_ticket").GetProperty("level").GetString().Should().Be("L4");
        var audit = await WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "admin.mcp_tool.classified" && a.Target == "mcp-ad/ad_get_user_info").Select(a => a.Details).SingleAsync());
        using var details = JsonDocument.Parse(audit!);
        details.RootElement.GetProperty("before").GetProperty("level").GetString().Should().Be("L4");
        details.RootElement.GetProperty("after").GetProperty("level").GetString().Should().Be("L0");
    }

    [Fact]
    public async Task Update_Delete_AndBadInput_AnswerClearly()
    {
        using var admin = await AdminAsync();
        var server = await ReadJsonAsync(await admin.PostAsJsonAsync(Route, Registration()));
        var id = server.GetProperty("server_id").GetGuid();

        await AssertProblemAsync(await admin.PostAsJsonAsync(Route, Registration()), 409);
        await AssertProblemAsync(await admin.PostAsJsonAsync(Route, new { name = "mauvais nom", url = Factory.ToolServer.Url }), 400);
        await AssertProblemAsync(await admin.PostAsJsonAsync(Route, new { name = "ftp", url = "ftp://10.0.0.5/mcp" }), 400);
        await AssertProblemAsync(await admin.PostAsJsonAsync(Route, new { name = "hdr", url = Factory.ToolServer.Url, headers = new Dictionary<string, string> { ["Host"] = "x" } }), 400);
        await AssertProblemAsync(await admin.PutAsJsonAsync($"{Route}/{id}/tools/ad_get_user_info", new { level = "L5" }), 400);
        await AssertProblemAsync(await admin.PutAsJsonAsync($"{Route}/{id}/tools/inconnu", new { level = "L1" }), 404);
        await AssertProblemAsync(await admin.PutAsJsonAsync($"{Route}/{Guid.NewGuid()}", new { enabled = false }), 404);

        var off = await admin.PutAsJsonAsync($"{Route}/{id}", new { enabled = false });
        off.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(off)).GetProperty("enabled").GetBoolean().Should().BeFalse();
        var noKey = await ReadJsonAsync(await admin.PutAsJsonAsync($"{Route}/{id}", new { headers = new Dictionary<string, string>() }));
        noKey.GetProperty("status").GetString().Should().Be("unreachable", "the server wants its Authorization header");
        noKey.GetProperty("header_names").GetArrayLength().Should().Be(0);
        noKey.GetProperty("tools").GetArrayLength().Should().Be(5, "an unreachable server keeps the tools it had");

        (await admin.DeleteAsync($"{Route}/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await ReadJsonAsync(await admin.GetAsync(Route))).GetProperty("servers").GetArrayLength().Should().Be(0);
        (await WithDbAsync(db => db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM mcp_tools").SingleAsync())).Should().Be(0);
    }

    [Fact]
    public async Task OnlyAdmins_ManageToolServers()
    {
        await CreateUserAsync("tools.tech", level: AccreditationLevel.N4);
        using var tech = ClientWithToken(await LoginAsync("tools.tech"));

        await AssertProblemAsync(await tech.GetAsync(Route), 403);
        await AssertProblemAsync(await tech.PostAsJsonAsync(Route, Registration()), 403);
        await AssertProblemAsync(await Client.GetAsync(Route), 401);
    }
}
