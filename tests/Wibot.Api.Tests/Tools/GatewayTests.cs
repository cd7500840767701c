using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Wibot.Api.Tests.Fakes;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Api.Tests.Safeguard;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Tools;

/// <summary>
/// Outside agents use the registered tools through WIBOT's MCP gateway, driven here by the official
/// SDK's client; privileged calls wait for a second person and then run once, with exactly the
/// approved arguments, on the real MCP server of the tests.
/// </summary>
public sealed class GatewayTests(WibotFactory factory) : SafeguardTestBase(factory)
{
    private async Task<(HttpClient Admin, Guid ServerId)> RegisteredServerAsync()
    {
        var admin = await AdminClientAsync();
        var server = await ReadJsonAsync(await admin.PostAsJsonAsync("/webhook/wibot/admin/mcp-servers", new
        {
            name = "mcp-ad",
            url = Factory.ToolServer.Url,
            headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {FakeToolServer.Secret}" },
        }));
        var id = server.GetProperty("server_id").GetGuid();
        (await admin.PutAsJsonAsync($"/webhook/wibot/admin/mcp-servers/{id}/tools/ad_get_user_info", new { level = "L0" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/webhook/wibot/admin/mcp-servers/{id}/tools/ad_reset_password", new { level = "L3" })).EnsureSuccessStatusCode();
        return (admin, id);
    }

    private async Task<McpClient> AgentAsync(string key)
    {
        var endpoint = new Uri(Factory.CreateClient().BaseAddress!, "/mcp");
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = endpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = $"Bearer {key}" },
        });
        return await McpClient.CreateAsync(transport);
    }

    private static async Task<CallToolResult> CallAsync(McpClient agent, string tool, object arguments, string? requestedFor = null) =>
        await agent.CallToolAsync(new CallToolRequestParams
        {
            Name = tool,
            Arguments = JsonSerializer.SerializeToElement(arguments).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
            Meta = requestedFor is null ? null : new JsonObject { ["io.wibot/requested-for"] = requestedFor },
        });

    private static JsonElement Structured(CallToolResult result) => JsonSerializer.SerializeToElement(result.StructuredContent);

    private static string Text(CallToolResult result) => string.Join("\n", result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private static async Task<JsonElement> WaitForExecutionAsync(McpClient agent, string requestId)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var status = Structured(await CallAsync(agent, "wibot_request_status", new { request_id = requestId }));
            if (status.GetProperty("execution").ValueKind == JsonValueKind.String && status.GetProperty("execution").GetString() != "running")
            {
                return status;
            }

            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "an approved call runs within seconds");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task AnAgent_ListsTheTools_RunsAnL0AtOnce_AndAnL3OnlyAfterApproval_ExactlyOnce_WithTheApprovedArguments()
    {
        var (admin, _) = await RegisteredServerAsync();
        var (_, _, key) = await ToolServerAsync(admin, "agent-n8n");
        await CreateUserAsync("jdupont", level: AccreditationLevel.N1);
        await using var agent = await AgentAsync(key);

        var tools = await agent.ListToolsAsync();
        tools.Select(t => t.Name).Should().Contain(["mcp-ad__ad_get_user_info", "mcp-ad__ad_reset_password", "mcp-ad__glpi_close_ticket", "wibot_request_status"]);
        tools.Single(t => t.Name == "mcp-ad__ad_reset_password").Description.Should().StartWith("[L3");

        var read = await CallAsync(agent, "mcp-ad__ad_get_user_info", new { username = "jdupont" });
        read.IsError.Should().NotBe(true);
        Text(read).Should().Contain("jdupont: compte actif");
        Factory.ToolServer.Calls.Should().ContainSingle(c => c.Tool == "ad_get_user_info" && c.RequestId == null);

        var privileged = await CallAsync(agent, "mcp-ad__ad_reset_password", new { username = "jdupont", new_password = "Temp-2026!" }, requestedFor: "jdupont");
        privileged.IsError.Should().NotBe(true);
        var pending = Structured(privileged);
        pending.GetProperty("status").GetString().Should().Be("pending_approval");
        pending.GetProperty("level").GetString().Should().Be("L3");
        var requestId = pending.GetProperty("request_id").GetString()!;
        Factory.ToolServer.Calls.Should().NotContain(c => c.Tool == "ad_reset_password", "nothing runs before a second person approves");
        var stored = await WithDbAsync(db => db.Database.SqlQuery<string>($"SELECT arguments::text AS \"Value\" FROM safeguard_requests").ToListAsync());
        stored.Should().ContainSingle().Which.Should().NotContain("Temp-2026!", "a secret argument is sealed at rest").And.Contain("jdupont").And.Contain("$sealed");

        // The request as technicians see it: bound to server, tool and arguments; the secret masked.
        await CreateUserAsync("tech.n3", level: AccreditationLevel.N3);
        using var approver = ClientWithToken(await LoginAsync("tech.n3"));
        var shown = await ReadJsonAsync(await approver.GetAsync($"/webhook/wibot/safeguard/requests/{requestId}"));
        shown.GetProperty("origin").GetString().Should().Be("gateway");
        shown.GetProperty("server").GetString().Should().Be("mcp-ad");
        shown.GetProperty("requested_by").GetString().Should().Be("agent-n8n");
        shown.GetProperty("requested_for").GetString().Should().Be("jdupont");
        shown.GetProperty("arguments_sha256").GetString().Should().MatchRegex("^[0-9a-f]{64}$");
        shown.GetProperty("arguments").GetProperty("new_password").GetString().Should().NotBe("Temp-2026!");
        using var self = ClientWithToken(await LoginAsync("jdupont"));
        await AssertProblemAsync(await self.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = requestId }), 403);

        // Twenty clicks at once: one decision, one execution.
        var clicks = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => approver.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = requestId, comment = "Vu avec l'utilisateur" })));
        clicks.Count(c => c.StatusCode == HttpStatusCode.OK).Should().Be(1);
        clicks.Should().OnlyContain(c => c.StatusCode == HttpStatusCode.OK || c.StatusCode == HttpStatusCode.Conflict);

        var done = await WaitForExecutionAsync(agent, requestId);
        done.GetProperty("status").GetString().Should().Be("approved");
        done.GetProperty("decided_by").GetString().Should().Be("tech.n3");
        done.GetProperty("execution").GetString().Should().Be("succeeded");
        done.GetProperty("result").GetString().Should().Contain("Mot de passe de jdupont réinitialisé");
        await Task.Delay(TimeSpan.FromSeconds(6)); // past a sweep of the runner: still one call
        var calls = Factory.ToolServer.Calls.Where(c => c.Tool == "ad_reset_password").ToList();
        calls.Should().ContainSingle();
        calls[0].RequestId.Should().Be(requestId, "the request id is passed as _meta so that the server can deduplicate");
        calls[0].Arguments.GetProperty("username").GetString().Should().Be("jdupont");
        calls[0].Arguments.GetProperty("new_password").GetString().Should().Be("Temp-2026!");

        var after = await ReadJsonAsync(await approver.GetAsync($"/webhook/wibot/safeguard/requests/{requestId}"));
        after.GetProperty("execution").GetProperty("status").GetString().Should().Be("succeeded");
        var audit = await WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Target == requestId).Select(a => a.Action).ToListAsync());
        audit.Should().Contain(["safeguard.requested", "safeguard.approved", "safeguard.executed"]);
        (await WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Target == requestId).Select(a => a.Details).ToListAsync()))
            .Should().NotContain(d => d != null && d.Contains("Temp-2026!"), "the secret never reaches the audit");
    }

    [Fact]
    public async Task ArgumentsChangedAfterTheRequest_OrALevelRaisedSince_AreNotRun()
    {
        var (admin, serverId) = await RegisteredServerAsync();
        var (_, _, key) = await ToolServerAsync(admin, "agent-script");
        await using var agent = await AgentAsync(key);
        await CreateUserAsync("tech.n3b", level: AccreditationLevel.N3);
        using var approver = ClientWithToken(await LoginAsync("tech.n3b"));

        var tampered = Structured(await CallAsync(agent, "mcp-ad__ad_reset_password", new { username = "jdupont", new_password = "Temp-1!" })).GetProperty("request_id").GetString()!;
        var raised = Structured(await CallAsync(agent, "mcp-ad__ad_reset_password", new { username = "mmartin", new_password = "Temp-2!" })).GetProperty("request_id").GetString()!;
        SafeguardRequestNumber(tampered, out var tamperedNumber);
        await WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE safeguard_requests SET arguments = '{{\"username\": \"administrateur\", \"new_password\": \"Temp-1!\"}}'::jsonb WHERE request_number = {tamperedNumber}"));
        (await admin.PutAsJsonAsync($"/webhook/wibot/admin/mcp-servers/{serverId}/tools/ad_reset_password", new { level = "L4" })).EnsureSuccessStatusCode();

        (await approver.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = tampered })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await approver.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = raised })).StatusCode.Should().Be(HttpStatusCode.OK);

        var first = await WaitForExecutionAsync(agent, tampered);
        var second = await WaitForExecutionAsync(agent, raised);
        first.GetProperty("execution").GetString().Should().Be("denied");
        first.GetProperty("result").GetString().Should().Contain("not the ones that were approved");
        second.GetProperty("execution").GetString().Should().Be("denied");
        second.GetProperty("result").GetString().Should().Contain("raised to L4");
        Factory.ToolServer.Calls.Should().NotContain(c => c.Tool == "ad_reset_password");
    }

    [Fact]
    public async Task AKeyReadsOnlyItsOwnRequests_AndWithoutAKeyTheGatewayAnswers401()
    {
        var (admin, _) = await RegisteredServerAsync();
        var (_, _, mine) = await ToolServerAsync(admin, "agent-a");
        var (_, _, theirs) = await ToolServerAsync(admin, "agent-b");
        await using var a = await AgentAsync(mine);
        await using var b = await AgentAsync(theirs);
        var id = Structured(await CallAsync(a, "mcp-ad__ad_reset_password", new { username = "jdupont", new_password = "x-Temp-3" })).GetProperty("request_id").GetString()!;

        var foreign = await CallAsync(b, "wibot_request_status", new { request_id = id });
        foreign.IsError.Should().BeTrue();
        Text(foreign).Should().Contain("Unknown request");
        var unknownTool = await CallAsync(a, "mcp-ad__ad_format_disk", new { });
        unknownTool.IsError.Should().BeTrue();
        var requestsBefore = await WithDbAsync(db => db.SafeguardRequests.CountAsync());
        var missing = await CallAsync(a, "mcp-ad__ad_reset_password", new { username = "jdupont" });
        missing.IsError.Should().BeTrue("new_password is required by the tool's input schema");
        Text(missing).Should().Contain("input schema").And.Contain("Nothing was run or requested");
        var wrongType = await CallAsync(a, "mcp-ad__glpi_close_ticket", new { ticket_id = "quatre", resolution = "ok" });
        wrongType.IsError.Should().BeTrue();
        (await WithDbAsync(db => db.SafeguardRequests.CountAsync())).Should().Be(requestsBefore, "no approver is asked to decide a call the server would refuse");

        using var anonymous = Factory.CreateClient();
        var refused = await anonymous.PostAsync("/mcp", JsonContent.Create(new { jsonrpc = "2.0", id = 1, method = "tools/list" }));
        refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var revokedKey = Factory.CreateClient();
        revokedKey.DefaultRequestHeaders.Add("X-Api-Key", "wbk_" + new string('x', 43));
        (await revokedKey.PostAsync("/mcp", JsonContent.Create(new { jsonrpc = "2.0", id = 1, method = "tools/list" }))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnApprovalNoInstanceActedOn_IsRunOnceByTheSweep_AndACallInterruptedMidway_IsNeverRunAgain()
    {
        var (admin, _) = await RegisteredServerAsync();
        var (_, _, key) = await ToolServerAsync(admin, "agent-restart");
        await using var agent = await AgentAsync(key);
        var approver = await CreateUserAsync("tech.n3c", level: AccreditationLevel.N3);
        var waiting = Structured(await CallAsync(agent, "mcp-ad__ad_reset_password", new { username = "jdupont", new_password = "Temp-4!" })).GetProperty("request_id").GetString()!;
        var interrupted = Structured(await CallAsync(agent, "mcp-ad__ad_reset_password", new { username = "mmartin", new_password = "Temp-5!" })).GetProperty("request_id").GetString()!;
        SafeguardRequestNumber(waiting, out var waitingNumber);
        SafeguardRequestNumber(interrupted, out var interruptedNumber);

        // As the database is left by an instance that stopped right after committing the approvals
        // (no signal reached anyone), one of them while its call was running.
        await WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE safeguard_requests SET status = 'approved', decided_by_id = {approver.Id}, decided_by = 'tech.n3c', decided_at = now() WHERE request_number IN ({waitingNumber}, {interruptedNumber})"));
        await WithDbAsync(db => db.Database.ExecuteSqlAsync(
            $"UPDATE safeguard_requests SET execution_status = 'running', execution_started_at = now() - interval '3 minutes' WHERE request_number = {interruptedNumber}"));

        var ran = await WaitForExecutionAsync(agent, waiting);
        var failed = await WaitForExecutionAsync(agent, interrupted);

        ran.GetProperty("execution").GetString().Should().Be("succeeded");
        failed.GetProperty("execution").GetString().Should().Be("failed");
        failed.GetProperty("result").GetString().Should().Contain("not run again");
        await Task.Delay(TimeSpan.FromSeconds(6));
        Factory.ToolServer.Calls.Where(c => c.Tool == "ad_reset_password").Select(c => c.RequestId).Should().Equal(waiting);
    }

    private static void SafeguardRequestNumber(string requestId, out long number) =>
        Wibot.Domain.Safeguard.SafeguardRequest.TryParseId(requestId, out number).Should().BeTrue();
}
