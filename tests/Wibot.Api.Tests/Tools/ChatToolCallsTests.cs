using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Chat;
using Wibot.Api.Tests.Fakes;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Tools;

/// <summary>
/// The assistant acts from the chat (Claude stand-in on the real Anthropic wire format, tool_use
/// included, through the real SDK): reads run at once; privileged calls wait for a second,
/// accredited technician, then run once and the model's continuation is stored in the conversation.
/// </summary>
public sealed class ChatToolCallsTests(WibotFactory factory) : ChatTestBase(factory)
{
    private async Task RegisterServerAsync()
    {
        await CreateUserAsync("chat.admin", role: UserRole.Admin, level: AccreditationLevel.N4);
        using var admin = ClientWithToken(await LoginAsync("chat.admin"));
        var server = await ReadJsonAsync(await admin.PostAsJsonAsync("/webhook/wibot/admin/mcp-servers", new
        {
            name = "mcp-ad",
            url = Factory.ToolServer.Url,
            headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {FakeToolServer.Secret}" },
        }));
        var id = server.GetProperty("server_id").GetGuid();
        (await admin.PutAsJsonAsync($"/webhook/wibot/admin/mcp-servers/{id}/tools/ad_get_user_info", new { level = "L0" })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"/webhook/wibot/admin/mcp-servers/{id}/tools/ad_reset_password", new { level = "L3" })).EnsureSuccessStatusCode();
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

            watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(15), "the continuation is written within seconds of the decision");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task AnL0Tool_RunsAtOnce_AndTheModelAnswersWithItsResult()
    {
        await RegisterServerAsync();
        var (_, client) = await TechAsync("tech.l0");
        Factory.Model.Enqueue(
            new FakeBehavior.UseTool("mcp-ad__ad_get_user_info", new { username = "jdupont" }, "Je regarde la fiche AD.", 200, 30),
            new FakeBehavior.Reply("Le compte de jdupont est actif.", 260, 12));

        var response = await ChatAsync(client, new { message = "Le compte AD de jdupont est-il actif ?", mode = "flash" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        body.GetProperty("response").GetString().Should().Contain("Le compte de jdupont est actif.");
        var call = body.GetProperty("tool_calls").EnumerateArray().Single();
        call.GetProperty("tool").GetString().Should().Be("mcp-ad__ad_get_user_info");
        call.GetProperty("status").GetString().Should().Be("succeeded");
        body.GetProperty("tokens_used").GetInt64().Should().Be(200 + 30 + 260 + 12, "both model rounds are charged");
        Factory.ToolServer.Calls.Should().ContainSingle(c => c.Tool == "ad_get_user_info" && c.Arguments.GetProperty("username").GetString() == "jdupont");
        Factory.Model.Requests[0].Tools.Should().Contain(["mcp-ad__ad_get_user_info", "mcp-ad__ad_reset_password"]);
        Factory.Model.Requests[1].Messages.Should().Contain(m => m.Content.Contains("tool_result: jdupont: compte actif"));

        var messages = await MessagesAsync(client, body.GetProperty("conversation_id").GetGuid());
        messages.Should().HaveCount(2);
        messages[1].GetProperty("tool_calls").EnumerateArray().Single().GetProperty("status").GetString().Should().Be("succeeded");
        messages[0].GetProperty("tool_calls").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task AnL3Tool_WaitsForASecondTechnician_RunsOnceWhenApproved_AndTheConversationGoesOn()
    {
        await RegisterServerAsync();
        var (user, client) = await TechAsync("tech.chat");
        Factory.Model.Enqueue(new FakeBehavior.UseTool("mcp-ad__ad_reset_password", new { username = "jdupont", new_password = "Provisoire-77" }, "Je réinitialise le mot de passe.", 180, 25));

        var response = await ChatAsync(client, new { message = "Réinitialise le mot de passe AD de jdupont à la clinique Saint-Joseph", mode = "flash" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        var conversationId = body.GetProperty("conversation_id").GetGuid();
        var call = body.GetProperty("tool_calls").EnumerateArray().Single();
        call.GetProperty("status").GetString().Should().Be("pending_approval");
        var requestId = call.GetProperty("request_id").GetString()!;
        body.GetProperty("response").GetString().Should().Contain(requestId).And.Contain("niveau L3").And.Contain("en attente");
        Factory.ToolServer.Calls.Should().BeEmpty("nothing runs before a second person approves");
        var atRest = await WithDbAsync(db => db.Database.SqlQuery<string>($"SELECT arguments::text AS \"Value\" FROM safeguard_requests UNION ALL SELECT arguments::text FROM chat_tool_calls").ToListAsync());
        atRest.Should().HaveCount(2).And.OnlyContain(a => !a.Contains("Provisoire-77") && a.Contains("$sealed"), "a secret argument is sealed at rest");

        await CreateUserAsync("tech.n3", level: AccreditationLevel.N3);
        using var approver = ClientWithToken(await LoginAsync("tech.n3"));
        var request = await ReadJsonAsync(await approver.GetAsync($"/webhook/wibot/safeguard/requests/{requestId}"));
        request.GetProperty("origin").GetString().Should().Be("chat");
        request.GetProperty("requested_for").GetString().Should().Be("tech.chat");
        request.GetProperty("conversation_id").GetGuid().Should().Be(conversationId);
        request.GetProperty("server").GetString().Should().Be("mcp-ad");
        await AssertProblemAsync(await client.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = requestId }), 403);

        var usedBefore = await UsedTokensAsync(user.Id);
        Factory.Model.Enqueue(new FakeBehavior.Reply("C'est fait : le mot de passe de jdupont est réinitialisé, il devra le changer.", 300, 20));
        (await approver.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = requestId, comment = "OK" })).StatusCode.Should().Be(HttpStatusCode.OK);

        var messages = await WaitForMessagesAsync(client, conversationId, 3);
        messages[2].GetProperty("role").GetString().Should().Be("assistant");
        messages[2].GetProperty("content").GetString().Should().Contain("C'est fait");
        messages[1].GetProperty("tool_calls").EnumerateArray().Single().GetProperty("status").GetString().Should().Be("succeeded");
        var calls = Factory.ToolServer.Calls.ToList();
        calls.Should().ContainSingle();
        calls[0].RequestId.Should().Be(requestId);
        calls[0].Arguments.GetProperty("new_password").GetString().Should().Be("Provisoire-77");
        Factory.Model.Requests[^1].Messages.Should().Contain(m => m.Content.Contains("tool_result: Approuvé par tech.n3 et exécuté"));
        (await UsedTokensAsync(user.Id)).Should().Be(usedBefore + 320, "the continuation is charged to the chatting user");

        // The audit chain, followed by the request id: proposed in a message, requested, approved, executed, continued.
        var chain = await WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Target == requestId).OrderBy(a => a.Id).Select(a => new { a.Action, a.Details }).ToListAsync());
        chain.Select(a => a.Action).Should().ContainInOrder("chat.tool_call", "safeguard.approved", "safeguard.executed", "chat.continued");
        chain.Select(a => a.Action).Should().Contain("safeguard.requested");
        using (var proposed = JsonDocument.Parse(chain.First(a => a.Action == "chat.tool_call").Details!))
        {
            proposed.RootElement.GetProperty("message_id").GetGuid().Should().Be(messages[1].GetProperty("message_id").GetGuid());
            proposed.RootElement.GetProperty("conversation_id").GetGuid().Should().Be(conversationId);
        }

        using (var continued = JsonDocument.Parse(chain.Single(a => a.Action == "chat.continued").Details!))
        {
            continued.RootElement.GetProperty("message_id").GetGuid().Should().Be(messages[2].GetProperty("message_id").GetGuid());
        }

        chain.Should().NotContain(a => a.Details != null && a.Details.Contains("Provisoire-77"), "the secret never reaches the audit");
    }

    private static HttpRequestMessage StreamRequest(object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhook/wibot/chat") { Content = JsonContent.Create(body) };
        request.Headers.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    [Fact]
    public async Task Streaming_ToolCallAndResultEvents_ComeInOrderWithTheDeltas_AndDoneListsTheCalls()
    {
        await RegisterServerAsync();
        var (_, client) = await TechAsync("tech.sse");
        Factory.Model.Enqueue(
            new FakeBehavior.UseTool("mcp-ad__ad_get_user_info", new { username = "jdupont" }, "Je consulte l'annuaire.", 120, 20),
            new FakeBehavior.Reply("jdupont est actif depuis ce matin.", 200, 10, Chunks: 3),
            new FakeBehavior.UseTool("mcp-ad__ad_reset_password", new { username = "jdupont", new_password = "Provisoire-90" }, null, 150, 15));

        using var first = await client.SendAsync(StreamRequest(new { message = "jdupont est-il actif ?", mode = "flash" }), HttpCompletionOption.ResponseHeadersRead);
        var events = ParseSse(await first.Content.ReadAsStringAsync());

        events.Select(e => e.Event).Should().StartWith(["meta", "delta", "tool_call", "tool_result", "delta"]).And.EndWith(["sources", "done"]);
        var call = events.Single(e => e.Event == "tool_call").Data;
        call.GetProperty("tool").GetString().Should().Be("ad_get_user_info");
        call.GetProperty("server").GetString().Should().Be("mcp-ad");
        call.GetProperty("level").GetString().Should().Be("L0");
        call.GetProperty("status").GetString().Should().Be("running");
        var result = events.Single(e => e.Event == "tool_result").Data;
        result.GetProperty("call_id").GetString().Should().Be(call.GetProperty("call_id").GetString());
        result.GetProperty("status").GetString().Should().Be("succeeded");
        result.GetProperty("content").GetString().Should().Contain("compte actif");
        string.Concat(events.Where(e => e.Event == "delta").Select(e => e.Data.GetProperty("text").GetString())).Should().Be("Je consulte l'annuaire.jdupont est actif depuis ce matin.");
        var done = events.Single(e => e.Event == "done").Data;
        done.GetProperty("tool_calls").EnumerateArray().Single().GetProperty("status").GetString().Should().Be("succeeded");
        var conversationId = events[0].Data.GetProperty("conversation_id").GetGuid();

        using var second = await client.SendAsync(StreamRequest(new { conversation_id = conversationId, message = "Réinitialise son mot de passe", mode = "flash" }), HttpCompletionOption.ResponseHeadersRead);
        var more = ParseSse(await second.Content.ReadAsStringAsync());
        var pending = more.Single(e => e.Event == "tool_call").Data;
        pending.GetProperty("status").GetString().Should().Be("pending_approval");
        pending.GetProperty("level").GetString().Should().Be("L3");
        pending.GetProperty("request_id").GetString().Should().StartWith("APR-");
        pending.GetProperty("expires_at").GetDateTimeOffset().Should().BeAfter(DateTimeOffset.UtcNow);
        pending.GetProperty("arguments").GetProperty("new_password").GetString().Should().NotBe("Provisoire-90", "secret-looking arguments are masked in events");
        more.Should().NotContain(e => e.Event == "tool_result");
        more.Where(e => e.Event == "delta").Select(e => e.Data.GetProperty("text").GetString()).Last().Should().Contain(pending.GetProperty("request_id").GetString());
        more.Single(e => e.Event == "done").Data.GetProperty("tool_calls")[0].GetProperty("status").GetString().Should().Be("pending_approval");
    }

    [Fact]
    public async Task TheConversationsLiveStream_TellsTheCallsNewStatus_AndBringsTheContinuation_ToItsOwnerOnly()
    {
        await RegisterServerAsync();
        var (_, client) = await TechAsync("tech.live");
        Factory.Model.Enqueue(new FakeBehavior.UseTool("mcp-ad__ad_reset_password", new { username = "jdupont", new_password = "Provisoire-91" }, null, 100, 10));
        var body = await ReadJsonAsync(await ChatAsync(client, new { message = "Réinitialise le mot de passe de jdupont", mode = "flash" }));
        var conversationId = body.GetProperty("conversation_id").GetGuid();
        var requestId = body.GetProperty("tool_calls")[0].GetProperty("request_id").GetString()!;
        var (_, stranger) = await TechAsync("tech.other");
        await AssertProblemAsync(await stranger.GetAsync($"/webhook/wibot/conversations/{conversationId}/events"), 404);

        using var live = await client.GetAsync($"/webhook/wibot/conversations/{conversationId}/events", HttpCompletionOption.ResponseHeadersRead);
        live.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        using var reader = new StreamReader(await live.Content.ReadAsStreamAsync());
        (await reader.ReadLineAsync()).Should().Be(": connected");

        await CreateUserAsync("tech.n3live", level: AccreditationLevel.N3);
        using var approver = ClientWithToken(await LoginAsync("tech.n3live"));
        Factory.Model.Enqueue(new FakeBehavior.Reply("Mot de passe réinitialisé, jdupont devra le changer.", 150, 12));
        (await approver.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = requestId })).StatusCode.Should().Be(HttpStatusCode.OK);

        var seen = new List<(string Event, JsonElement Data)>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string? name = null;
        while (!seen.Any(e => e.Event == "message"))
        {
            var line = await reader.ReadLineAsync(deadline.Token);
            if (line is null)
            {
                break;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
            {
                seen.Add((name, JsonDocument.Parse(line[6..]).RootElement.Clone()));
            }
        }

        seen.Where(e => e.Event == "tool_call").Select(e => e.Data.GetProperty("status").GetString()).Should().Contain("succeeded");
        seen.First(e => e.Event == "tool_call").Data.GetProperty("request_id").GetString().Should().Be(requestId);
        var message = seen.Single(e => e.Event == "message").Data.GetProperty("message");
        message.GetProperty("role").GetString().Should().Be("assistant");
        message.GetProperty("content").GetString().Should().Contain("Mot de passe réinitialisé");
    }

    [Fact]
    public async Task AModelAskingForAnUnknownTool_OrWithArgumentsOutsideTheSchema_IsTold_AndNothingRuns()
    {
        await RegisterServerAsync();
        var (_, client) = await TechAsync("tech.bad");
        Factory.Model.Enqueue(
            new FakeBehavior.UseTool("mcp-ad__ad_format_disk", new { disk = "C:" }, null, 50, 5),
            new FakeBehavior.UseTool("mcp-ad__ad_reset_password", new { username = "jdupont" }, null, 60, 5),
            new FakeBehavior.Reply("Je ne peux pas faire cela ainsi.", 70, 8));

        var body = await ReadJsonAsync(await ChatAsync(client, new { message = "Formate le disque puis réinitialise jdupont", mode = "flash" }));

        body.GetProperty("response").GetString().Should().EndWith("Je ne peux pas faire cela ainsi.");
        body.GetProperty("tool_calls").EnumerateArray().Select(c => c.GetProperty("status").GetString()).Should().Equal("denied", "denied");
        Factory.Model.Requests[1].Messages.Should().Contain(m => m.Content.Contains("tool_result: L'outil « mcp-ad__ad_format_disk » n'existe pas"));
        Factory.Model.Requests[2].Messages.Should().Contain(m => m.Content.Contains("tool_result: Arguments refusés") && m.Content.Contains("input schema"));
        Factory.ToolServer.Calls.Should().BeEmpty();
        (await WithDbAsync(db => db.SafeguardRequests.CountAsync())).Should().Be(0);
    }

    [Fact]
    public async Task ARejectedCall_IsNeverRun_AndTheModelIsToldWhoRejectedItAndWhy()
    {
        await RegisterServerAsync();
        var (_, client) = await TechAsync("tech.rej");
        Factory.Model.Enqueue(new FakeBehavior.UseTool("mcp-ad__ad_reset_password", new { username = "mmartin", new_password = "Provisoire-78" }, null, 150, 20));
        var body = await ReadJsonAsync(await ChatAsync(client, new { message = "Réinitialise le mot de passe de mmartin", mode = "flash" }));
        var requestId = body.GetProperty("tool_calls")[0].GetProperty("request_id").GetString()!;

        await CreateUserAsync("tech.n4", level: AccreditationLevel.N4);
        using var approver = ClientWithToken(await LoginAsync("tech.n4"));
        Factory.Model.Enqueue(new FakeBehavior.Reply("D'accord, je n'ai rien modifié : la demande a été refusée.", 200, 15));
        (await approver.PostAsJsonAsync("/webhook/wibot/safeguard/reject", new { request_id = requestId, comment = "Vérifier l'identité d'abord" })).StatusCode.Should().Be(HttpStatusCode.OK);

        var messages = await WaitForMessagesAsync(client, body.GetProperty("conversation_id").GetGuid(), 3);
        messages[2].GetProperty("content").GetString().Should().Contain("refusée");
        messages[1].GetProperty("tool_calls")[0].GetProperty("status").GetString().Should().Be("rejected");
        Factory.Model.Requests[^1].Messages.Should().Contain(m => m.Content.Contains("tool_result: Refusé par tech.n4 : Vérifier l'identité d'abord"));
        Factory.ToolServer.Calls.Should().BeEmpty();
    }
}
