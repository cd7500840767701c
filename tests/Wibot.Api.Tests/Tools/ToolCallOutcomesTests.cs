using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Chat;
using Wibot.Api.Tests.Fakes;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Application.Safeguard.ExpireSafeguardRequests;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Tools;

/// <summary>
/// What happens to a chat tool call when things do not go as planned: nobody decides in time, the
/// tool is disabled meanwhile, its server is down, slow, answers junk or far too much, two instances
/// take the approval at once, or the mode does not offer tools. Each time: nothing runs that should
/// not, nothing runs twice, the model is told, and the conversation goes on.
/// </summary>
public sealed class ToolCallOutcomesTests(WibotFactory factory) : ChatTestBase(factory)
{
    private const string Route = "/webhook/wibot/admin/mcp-servers";

    private async Task<HttpClient> AdminAsync()
    {
        await CreateUserAsync("outcomes.admin", role: UserRole.Admin, level: AccreditationLevel.N4);
        return ClientWithToken(await LoginAsync("outcomes.admin"));
    }

    /// <summary>Registers a server (the tests' secret header) and sets the given tools' levels; returns its id.</summary>
    private static async Task<Guid> RegisterAsync(HttpClient admin, string name, string url, params (string Tool, string Level)[] levels)
    {
        var server = await ReadJsonAsync(await admin.PostAsJsonAsync(Route, new
        {
            name,
            url,
            headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {FakeToolServer.Secret}" },
        }));
        server.GetProperty("status").GetString().Should().Be("ok", server.GetRawText());
        var id = server.GetProperty("server_id").GetGuid();
        foreach (var (tool, level) in levels)
        {
            (await admin.PutAsJsonAsync($"{Route}/{id}/tools/{tool}", new { level })).EnsureSuccessStatusCode();
        }

        return id;
    }

    private async Task<Guid> RegisterCompanyServerAsync(HttpClient admin) =>
        await RegisterAsync(admin, "mcp-ad", Factory.ToolServer.Url, ("ad_get_user_info", "L0"), ("ad_reset_password", "L3"));

    /// <summary>The model asks to reset a password (L3) in a new conversation: the request is pending.</summary>
    private async Task<(Guid ConversationId, string RequestId)> PendingResetAsync(HttpClient client, string password)
    {
        Factory.Model.Enqueue(new FakeBehavior.UseTool("mcp-ad__ad_reset_password", new { username = "jdupont", new_password = password }, "Je réinitialise le mot de passe.", 150, 20));
        var body = await ReadJsonAsync(await ChatAsync(client, new { message = "Réinitialise le mot de passe AD de jdupont", mode = "flash" }));
        var call = body.GetProperty("tool_calls").EnumerateArray().Single();
        call.GetProperty("status").GetString().Should().Be("pending_approval");
        return (body.GetProperty("conversation_id").GetGuid(), call.GetProperty("request_id").GetString()!);
    }

    private async Task<HttpClient> ApproverAsync(string name)
    {
        await CreateUserAsync(name, level: AccreditationLevel.N3);
        return ClientWithToken(await LoginAsync(name));
    }

    private static async Task<List<JsonElement>> MessagesAsync(HttpClient client, Guid conversationId) =>
        (await ReadJsonAsync(await client.GetAsync($"/webhook/wibot/messages/{conversationId}"))).GetProperty("messages").EnumerateArray().ToList();

    private static async Task<List<JsonElement>> WaitForMessagesAsync(HttpClient client, Guid conversationId, int count)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var messages = await MessagesAsync(client, conversationId);
            if (messages.Count >= count)
            {
                return messages;
            }

            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "the continuation is written within seconds of the outcome");
            await Task.Delay(100);
        }
    }

    private static string CallStatus(JsonElement message) => message.GetProperty("tool_calls").EnumerateArray().Single().GetProperty("status").GetString()!;

    private static HttpClient ClientOn(SecondInstanceFactory instance, string token)
    {
        var client = WithAddress(instance.CreateClient(), NewClientAddress());
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task ARequestNobodyDecides_Expires_TheCallIsNeverRun_AndTheModelIsToldItExpired()
    {
        using var admin = await AdminAsync();
        await RegisterCompanyServerAsync(admin);
        var (_, client) = await TechAsync("tech.exp");
        var (conversationId, requestId) = await PendingResetAsync(client, "Provisoire-81");
        using var approver = await ApproverAsync("tech.n3exp");
        Factory.Model.Enqueue(new FakeBehavior.Reply("La demande a expiré : je n'ai rien modifié, redemandez si besoin.", 140, 15));

        // Past the request's 45-minute lifetime, the expiry sweep marks it (and tells every instance).
        Factory.Clock.Now = DateTimeOffset.UtcNow.AddMinutes(46);
        try
        {
            await SendAsync(new ExpireSafeguardRequestsCommand());
        }
        finally
        {
            Factory.Clock.Now = null;
        }

        var messages = await WaitForMessagesAsync(client, conversationId, 3);
        messages[2].GetProperty("role").GetString().Should().Be("assistant");
        messages[2].GetProperty("content").GetString().Should().Contain("La demande a expiré : je n'ai rien modifié");
        CallStatus(messages[1]).Should().Be("expired");
        Factory.Model.Requests[^1].Messages.Should().Contain(m => m.Content.Contains("tool_result: La demande a expiré sans décision. L'action n'a pas été exécutée."));
        var request = await ReadJsonAsync(await approver.GetAsync($"/webhook/wibot/safeguard/requests/{requestId}"));
        request.GetProperty("status").GetString().Should().Be("expired");
        request.GetProperty("execution").ValueKind.Should().Be(JsonValueKind.Null, "an expired request never runs");
        await AssertProblemAsync(await approver.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = requestId }), 409);
        Factory.ToolServer.Calls.Should().BeEmpty();
        (await WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Target == requestId && a.Action == "chat.continued"))).Should().Be(1);
    }

    [Fact]
    public async Task AToolDisabledBetweenTheRequestAndTheApproval_IsNotRun_TheCallIsDenied_AndTheModelIsTold()
    {
        using var admin = await AdminAsync();
        var serverId = await RegisterCompanyServerAsync(admin);
        var (_, client) = await TechAsync("tech.off");
        var (conversationId, requestId) = await PendingResetAsync(client, "Provisoire-82");

        (await admin.PutAsJsonAsync($"{Route}/{serverId}/tools/ad_reset_password", new { enabled = false })).StatusCode.Should().Be(HttpStatusCode.OK);
        using var approver = await ApproverAsync("tech.n3off");
        Factory.Model.Enqueue(new FakeBehavior.Reply("L'outil a été désactivé entre-temps : rien n'a été fait.", 130, 12));
        (await approver.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = requestId })).StatusCode.Should().Be(HttpStatusCode.OK);

        var messages = await WaitForMessagesAsync(client, conversationId, 3);
        messages[2].GetProperty("content").GetString().Should().Contain("désactivé entre-temps");
        CallStatus(messages[1]).Should().Be("denied");
        Factory.Model.Requests[^1].Messages.Should().Contain(m => m.Content.Contains("tool_result: Approuvé par tech.n3off, mais non exécuté : The tool or its server is disabled"));
        var request = await ReadJsonAsync(await approver.GetAsync($"/webhook/wibot/safeguard/requests/{requestId}"));
        request.GetProperty("status").GetString().Should().Be("approved");
        request.GetProperty("execution").GetProperty("status").GetString().Should().Be("denied");
        Factory.ToolServer.Calls.Should().BeEmpty("a disabled tool is never called");
    }

    [Fact]
    public async Task AServerUnreachableWhenTheApprovedCallRuns_FailsItWithAClearError_AndTheConversationGoesOn()
    {
        using var admin = await AdminAsync();
        var serverId = await RegisterCompanyServerAsync(admin);
        var (user, client) = await TechAsync("tech.down");
        var (conversationId, requestId) = await PendingResetAsync(client, "Provisoire-83");

        // The server moved (or is down) after the request was raised: its address now refuses connections.
        var closed = $"http://127.0.0.1:{Ports.Free()}/mcp";
        await WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE mcp_servers SET url = {closed} WHERE server_id = {serverId}"));
        using var approver = await ApproverAsync("tech.n3down");
        Factory.Model.Enqueue(new FakeBehavior.Reply("Le serveur d'outils est injoignable : le mot de passe n'a pas été changé.", 160, 14));
        (await approver.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = requestId })).StatusCode.Should().Be(HttpStatusCode.OK);

        var messages = await WaitForMessagesAsync(client, conversationId, 3);
        messages[2].GetProperty("content").GetString().Should().Contain("injoignable");
        CallStatus(messages[1]).Should().Be("failed");
        Factory.Model.Requests[^1].Messages.Should().Contain(m => m.Content.Contains("tool_result: Approuvé par tech.n3down, mais l'exécution a échoué : The tool server cannot be reached"));
        var request = await ReadJsonAsync(await approver.GetAsync($"/webhook/wibot/safeguard/requests/{requestId}"));
        request.GetProperty("execution").GetProperty("status").GetString().Should().Be("failed");
        request.GetProperty("execution").GetProperty("result_excerpt").GetString().Should().Contain("cannot be reached");
        Factory.ToolServer.Calls.Should().BeEmpty();

        // Nothing lost: the user's conversation takes the next question as usual.
        Factory.Model.Enqueue(new FakeBehavior.Reply("Réessayez quand le serveur sera revenu.", 200, 10));
        var next = await ChatAsync(client, new { conversation_id = conversationId, message = "Et maintenant ?", mode = "flash" });
        next.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(next)).GetProperty("response").GetString().Should().Contain("Réessayez");
        var all = await MessagesAsync(client, conversationId);
        all.Select(m => m.GetProperty("role").GetString()).Should().Equal("user", "assistant", "assistant", "user", "assistant");
        (await UsedTokensAsync(user.Id)).Should().Be(150 + 20 + 160 + 14 + 200 + 10, "each of the three model answers is charged once");
    }

    [Fact]
    public async Task ASlowToolServer_PastTheCallTimeout_FailsTheCall_AndTheModelIsTold()
    {
        await using var troublesome = new FakeToolServer(troublesome: true);
        await troublesome.StartAsync();
        using var admin = await AdminAsync();
        await RegisterAsync(admin, "mcp-lent", troublesome.Url, ("slow_tool", "L0"));
        await CreateUserAsync("tech.slow");
        var token = await LoginAsync("tech.slow");
        await using var instance = Factory.StartInstance(new Dictionary<string, string?> { ["Tools:CallTimeoutSeconds"] = "1" });
        using var client = ClientOn(instance, token);
        Factory.Model.Enqueue(
            new FakeBehavior.UseTool("mcp-lent__slow_tool", new { seconds = 20 }, null, 100, 10),
            new FakeBehavior.Reply("Le serveur d'outils ne répond pas à temps.", 150, 12));

        var watch = Stopwatch.StartNew();
        var response = await ChatAsync(client, new { message = "Lance l'outil lent", mode = "flash" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "WIBOT stops waiting after the configured second, not after the tool's 20");
        var body = await ReadJsonAsync(response);
        body.GetProperty("tool_calls").EnumerateArray().Single().GetProperty("status").GetString().Should().Be("failed");
        body.GetProperty("response").GetString().Should().Contain("ne répond pas à temps");
        Factory.Model.Requests[1].Messages.Should().Contain(m => m.Content.Contains("tool_result: The tool server did not answer within 1 s."));
        troublesome.Calls.Where(c => c.Tool == "slow_tool").Should().ContainSingle("a timed-out call is not tried again");
    }

    [Fact]
    public async Task AServerAnsweringJunk_FailsTheCallClearly_NotWithA500()
    {
        await using var troublesome = new FakeToolServer(troublesome: true);
        await troublesome.StartAsync();
        using var admin = await AdminAsync();
        var serverId = await RegisterAsync(admin, "mcp-junk", troublesome.Url, ("huge_tool", "L0"));
        var junk = troublesome.JunkUrl;
        await WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE mcp_servers SET url = {junk} WHERE server_id = {serverId}"));
        var (_, client) = await TechAsync("tech.junk");
        Factory.Model.Enqueue(
            new FakeBehavior.UseTool("mcp-junk__huge_tool", new { characters = 10 }, null, 100, 10),
            new FakeBehavior.Reply("Le serveur d'outils a répondu n'importe quoi.", 150, 12));

        var response = await ChatAsync(client, new { message = "Lis le journal", mode = "flash" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        body.GetProperty("tool_calls").EnumerateArray().Single().GetProperty("status").GetString().Should().Be("failed");
        Factory.Model.Requests[1].Messages.Should().Contain(m => m.Content.Contains("tool_result: The tool server did not answer as an MCP server"));
        troublesome.Calls.Should().BeEmpty();

        var refreshed = await admin.PostAsync($"{Route}/{serverId}/refresh", null);
        refreshed.StatusCode.Should().Be(HttpStatusCode.OK);
        var server = await ReadJsonAsync(refreshed);
        server.GetProperty("status").GetString().Should().Be("unreachable");
        server.GetProperty("error").GetString().Should().Contain("did not answer as an MCP server");
    }

    [Fact]
    public async Task AHugeResult_IsCutWithAClearMarker_AndTheModelGetsTheCutResult()
    {
        await using var troublesome = new FakeToolServer(troublesome: true);
        await troublesome.StartAsync();
        using var admin = await AdminAsync();
        await RegisterAsync(admin, "mcp-logs", troublesome.Url, ("huge_tool", "L0"));
        var (_, client) = await TechAsync("tech.huge");
        const int Huge = 5 * 1024 * 1024;
        Factory.Model.Enqueue(
            new FakeBehavior.UseTool("mcp-logs__huge_tool", new { characters = Huge }, null, 100, 10),
            new FakeBehavior.Reply("Le journal est très long ; voici le début.", 150, 12));

        var response = await ChatAsync(client, new { message = "Montre-moi tout le journal", mode = "flash" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        body.GetProperty("tool_calls").EnumerateArray().Single().GetProperty("status").GetString().Should().Be("succeeded");
        var told = Factory.Model.Requests[1].Messages.Single(m => m.Content.StartsWith("tool_result: ", StringComparison.Ordinal)).Content["tool_result: ".Length..];
        told.Should().StartWith(FakeToolServer.TroublesomeTools.HugeStart);
        told.Should().NotContain(FakeToolServer.TroublesomeTools.HugeEnd, "the end of a 5 MB text is cut away");
        told.Should().EndWith("[truncated: the tool's result was 5,242,880 characters long; only the first 7,800 are kept]");
        told.Length.Should().BeLessThan(8_000);
        var stored = await WithDbAsync(db => db.ToolCalls.AsNoTracking().Select(c => c.Result).SingleAsync());
        stored.Should().Be(told, "the call record keeps what the model was given");
    }

    [Fact]
    public async Task TwoInstances_TenApprovalClicksOnEach_TheToolServerSeesExactlyOneCall_AndOneContinuationIsWritten()
    {
        using var admin = await AdminAsync();
        await RegisterCompanyServerAsync(admin);
        var (_, client) = await TechAsync("tech.twice");
        var (conversationId, requestId) = await PendingResetAsync(client, "Provisoire-85");
        await CreateUserAsync("tech.n3twice", level: AccreditationLevel.N3);
        var token = await LoginAsync("tech.n3twice");
        await using var second = Factory.StartInstance();
        using var onFirst = ClientWithToken(token);
        using var onSecond = ClientOn(second, token);
        Factory.Model.Enqueue(new FakeBehavior.Reply("Mot de passe réinitialisé une seule fois.", 170, 11));
        var requestsBefore = Factory.Model.Requests.Count;

        var clicks = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? onFirst : onSecond).PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = requestId, comment = "OK" })));

        clicks.Count(c => c.StatusCode == HttpStatusCode.OK).Should().Be(1);
        clicks.Should().OnlyContain(c => c.StatusCode == HttpStatusCode.OK || c.StatusCode == HttpStatusCode.Conflict);
        var messages = await WaitForMessagesAsync(client, conversationId, 3);
        CallStatus(messages[1]).Should().Be("succeeded");
        await Task.Delay(TimeSpan.FromSeconds(6)); // past a sweep of the runner on both instances
        Factory.ToolServer.Calls.Where(c => c.Tool == "ad_reset_password").Select(c => c.RequestId).Should().Equal(requestId);
        (await MessagesAsync(client, conversationId)).Should().HaveCount(3, "one instance writes the continuation");
        Factory.Model.Requests.Count.Should().Be(requestsBefore + 1, "the model is asked once for the continuation");
        (await WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Target == requestId && a.Action == "safeguard.executed"))).Should().Be(1);
    }

    [Fact]
    public async Task AModeConfiguredWithoutTools_OffersTheModelNoTools_WhileTheOtherModesStillDo()
    {
        using var admin = await AdminAsync();
        await RegisterCompanyServerAsync(admin);
        await CreateUserAsync("tech.modes");
        var token = await LoginAsync("tech.modes");
        await using var instance = Factory.StartInstance(new Dictionary<string, string?> { ["Llm:Modes:flash:Tools"] = "false" });
        using var client = ClientOn(instance, token);
        Factory.Model.Enqueue(new FakeBehavior.Reply("Sans outils.", 100, 10), new FakeBehavior.Reply("Avec outils.", 100, 10));

        var flash = await ChatAsync(client, new { message = "Le compte de jdupont est-il actif ?", mode = "flash" });
        var code = await ChatAsync(client, new { message = "Le compte de jdupont est-il actif ?", mode = "code" });

        flash.StatusCode.Should().Be(HttpStatusCode.OK);
        code.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(flash)).GetProperty("tool_calls").GetArrayLength().Should().Be(0);
        Factory.Model.Requests.Should().HaveCount(2);
        Factory.Model.Requests[0].Tools.Should().BeEmpty("Llm:Modes:flash:Tools is false");
        Factory.Model.Requests[1].Tools.Should().Contain(["mcp-ad__ad_get_user_info", "mcp-ad__ad_reset_password"]);
    }
}
