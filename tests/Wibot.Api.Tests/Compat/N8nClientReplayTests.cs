using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Compat;

/// <summary>
/// Replays the requests of the n8n-era web client (services/api.ts and services/safeguard.ts) exactly as
/// axios sends them, and checks every field the client reads, with its JSON type.
/// </summary>
public sealed class N8nClientReplayTests(WibotFactory factory) : ApiTestBase(factory)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private HttpClient Axios(string? token = null)
    {
        var client = WithAddress(Factory.CreateClient(), NewClientAddress());
        client.DefaultRequestHeaders.Accept.ParseAdd("application/json, text/plain, */*");
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    private static void Kind(JsonElement e, string property, JsonValueKind kind) =>
        e.GetProperty(property).ValueKind.Should().Be(kind, $"the client reads '{property}' as {kind}");

    private async Task<string> LegacyLoginAsync(string username, string password = "Correct-Horse-9")
    {
        using var client = Axios();
        var response = await client.PostAsync("/webhook/auth/login", Json($$"""{"username":"{{username}}","password":"{{password}}"}"""));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        Kind(body, "token", JsonValueKind.String);
        Kind(body.GetProperty("user"), "id", JsonValueKind.Number);
        Kind(body.GetProperty("user"), "username", JsonValueKind.String);
        Kind(body.GetProperty("user"), "role", JsonValueKind.String);
        return body.GetProperty("token").GetString()!;
    }

    [Fact]
    public async Task TechnicianSession_AsTheOldClientDrivesIt()
    {
        await CreateUserAsync("tech.legacy");
        using var api = Axios(await LegacyLoginAsync("tech.legacy"));
        var conversationId = Guid.NewGuid().ToString();

        // First message on a client-chosen UUID, with a base64 file, as sendChatMessage does.
        var file = Convert.ToBase64String(Encoding.UTF8.GetBytes("ERROR spooler"));
        var chat = await api.PostAsync("/webhook/wibot/chat", Json($$"""{"conversation_id":"{{conversationId}}","message":"Bonjour","mode":"code","files":[{"name":"erreur.log","content":"{{file}}"}]}"""));
        chat.StatusCode.Should().Be(HttpStatusCode.OK, await chat.Content.ReadAsStringAsync());
        var reply = await ReadJsonAsync(chat);
        reply.GetProperty("success").GetBoolean().Should().BeTrue();
        Kind(reply, "response", JsonValueKind.String);
        Kind(reply, "tokens_used", JsonValueKind.Number);
        Kind(reply, "tokens_remaining", JsonValueKind.Number);
        reply.GetProperty("conversation_id").GetString().Should().Be(conversationId);

        var list = await ReadJsonAsync(await api.GetAsync("/webhook/wibot/conversations"));
        var conversation = list.GetProperty("conversations").EnumerateArray().Single();
        conversation.GetProperty("conversation_id").GetString().Should().Be(conversationId);
        Kind(conversation, "title", JsonValueKind.String);
        DateTimeOffset.TryParse(conversation.GetProperty("updated_at").GetString(), out _).Should().BeTrue();
        conversation.GetProperty("message_count").GetInt32().Should().Be(2);

        var messages = await ReadJsonAsync(await api.GetAsync($"/webhook/wibot/messages?conversationId={conversationId}"));
        var items = messages.GetProperty("messages").EnumerateArray().ToList();
        items.Should().HaveCount(2);
        items.Select(m => m.GetProperty("role").GetString()).Should().Equal("user", "assistant");
        foreach (var m in items)
        {
            Kind(m, "content", JsonValueKind.String);
            DateTimeOffset.TryParse(m.GetProperty("created_at").GetString(), out _).Should().BeTrue();
        }

        using var rename = new HttpRequestMessage(HttpMethod.Patch, "/webhook/wibot/conversation/rename") { Content = Json($$"""{"conversationId":"{{conversationId}}","title":"Spouleur"}""") };
        var renamed = await ReadJsonAsync(await api.SendAsync(rename));
        renamed.GetProperty("success").GetBoolean().Should().BeTrue();
        renamed.GetProperty("conversation").GetProperty("title").GetString().Should().Be("Spouleur");
        DateTimeOffset.TryParse(renamed.GetProperty("conversation").GetProperty("updated_at").GetString(), out _).Should().BeTrue();

        // Deleting a conversation that was never sent (the client allows it).
        using var deleteNever = new HttpRequestMessage(HttpMethod.Delete, "/webhook/wibot/conversation/delete") { Content = Json($$"""{"conversationId":"{{Guid.NewGuid()}}"}""") };
        var never = await api.SendAsync(deleteNever);
        never.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(never)).GetProperty("success").GetBoolean().Should().BeFalse();

        var tokens = await ReadJsonAsync(await api.GetAsync("/webhook/wibot/user/tokens"));
        tokens.GetProperty("success").GetBoolean().Should().BeTrue();
        Kind(tokens, "used_tokens", JsonValueKind.Number);
        Kind(tokens, "quota_tokens", JsonValueKind.Number);
        tokens.GetProperty("tokens_remaining").GetInt64().Should().Be(tokens.GetProperty("quota_tokens").GetInt64() - tokens.GetProperty("used_tokens").GetInt64());

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/webhook/wibot/conversation/delete") { Content = Json($$"""{"conversationId":"{{conversationId}}"}""") };
        (await ReadJsonAsync(await api.SendAsync(delete))).GetProperty("deleted_conversation_id").GetString().Should().Be(conversationId);
    }

    [Theory]
    [InlineData("24h", 1)]
    [InlineData("7d", 7)]
    [InlineData("30d", 30)]
    public async Task Supervision_EveryPeriod_HasEveryStatAsANumber_AndEveryDay(string period, int days)
    {
        await CreateUserAsync("boss.legacy", role: UserRole.Admin);
        using var api = Axios(await LegacyLoginAsync("boss.legacy"));

        var response = await api.GetAsync($"/webhook/wibot/analytics?period={period}");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        body.GetProperty("period").GetString().Should().Be(period);
        var stats = body.GetProperty("stats");
        foreach (var (group, fields) in new (string, string[])[]
        {
            ("tokens", ["used", "quota", "percentage"]), ("messages", ["total", "today"]), ("modes", ["flash", "code", "redaction"]),
            ("conversations", ["total", "active"]), ("users", ["total"]), ("files", ["total", "messagesWithFiles"]), ("rag", ["queries"]),
        })
        {
            foreach (var field in fields)
            {
                Kind(stats.GetProperty(group), field, JsonValueKind.Number);
            }
        }

        var byDay = stats.GetProperty("messages").GetProperty("byDay").EnumerateArray().ToList();
        byDay.Count.Should().BeInRange(days, days + 1, "every day of the window, today included");
        byDay.Should().OnlyContain(d => d.GetProperty("count").ValueKind == JsonValueKind.Number && d.GetProperty("tokens").ValueKind == JsonValueKind.Number);
        byDay.Select(d => d.GetProperty("date").GetString()).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Users_ListCreateUpdateDelete_AsTheOldClientSendsThem()
    {
        await CreateUserAsync("boss.users", role: UserRole.Admin);
        using var api = Axios(await LegacyLoginAsync("boss.users"));

        var created = await api.PostAsync("/webhook/wibot/admin/users", Json("""{"username":"nouveau.tech","password":"Nouveau-Pass-42","email":"","role":"user","accreditation_level":"N1","quota_tokens":null}"""));
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var user = await ReadJsonAsync(created);
        user.GetProperty("success").GetBoolean().Should().BeTrue();
        var id = user.GetProperty("user_id").GetInt32();

        var list = await ReadJsonAsync(await api.GetAsync("/webhook/wibot/admin/users"));
        list.GetProperty("success").GetBoolean().Should().BeTrue();
        foreach (var u in list.GetProperty("users").EnumerateArray())
        {
            u.GetProperty("user_id").GetInt32().Should().Be(u.GetProperty("id").GetInt32());
            Kind(u, "used_tokens", JsonValueKind.Number);
            Kind(u, "quota_tokens", JsonValueKind.Number);
            Kind(u, "is_active", u.GetProperty("is_active").GetBoolean() ? JsonValueKind.True : JsonValueKind.False);
        }

        var updated = await api.PutAsync("/webhook/wibot/admin/users", Json($$"""{"user_id":{{id}},"accreditation_level":"N3","add_tokens":1000}"""));
        updated.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(updated)).GetProperty("quota_tokens").GetInt64().Should().Be(51_000);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/webhook/wibot/admin/users") { Content = Json($$"""{"user_id":{{id}}}""") };
        var deleted = await api.SendAsync(delete);
        deleted.IsSuccessStatusCode.Should().BeTrue();
    }

    [Fact]
    public async Task Safeguard_AsN0AndN3_ApproveAndRejectWithApprovalIdAndEmptyComment()
    {
        await CreateUserAsync("sg.boss", role: UserRole.Admin, level: AccreditationLevel.N4);
        await CreateUserAsync("sg.n0", level: AccreditationLevel.N0);
        await CreateUserAsync("sg.n3", level: AccreditationLevel.N3);
        using var boss = Axios(await LegacyLoginAsync("sg.boss"));
        var key = await ReadJsonAsync(await boss.PostAsync("/webhook/wibot/admin/api-keys", Json("""{"name":"mcp-legacy"}""")));
        using var tool = Axios();
        tool.DefaultRequestHeaders.Add("X-Api-Key", key.GetProperty("key").GetString());
        var ids = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var raised = await ReadJsonAsync(await tool.PostAsync("/webhook/wibot/safeguard/requests", Json("""{"tool":"glpi_close_ticket","arguments":{"ticket_id":4521,"client_name":"Clinique du Parc"},"level":"L3","reason":"Ticket résolu"}""")));
            ids.Add(raised.GetProperty("request_id").GetString()!);
        }

        using var n0 = Axios(await LegacyLoginAsync("sg.n0"));
        var asN0 = await n0.GetAsync("/webhook/wibot/safeguard/requests?status=pending");
        asN0.StatusCode.Should().Be(HttpStatusCode.OK, "an N0 sees the queue; a 403 would push the page into demo mode");
        var n0Body = await ReadJsonAsync(asN0);
        n0Body.GetProperty("success").GetBoolean().Should().BeTrue();
        n0Body.GetProperty("total").GetInt32().Should().Be(2);
        var request = n0Body.GetProperty("requests")[0];
        request.GetProperty("can_decide").GetBoolean().Should().BeFalse();
        Kind(request, "approval_id", JsonValueKind.String);
        request.GetProperty("tool_name").GetString().Should().Be("glpi_close_ticket");
        request.GetProperty("security_level").GetString().Should().Be("L3");
        Kind(request, "arguments", JsonValueKind.Object);
        Kind(request, "time_remaining_seconds", JsonValueKind.Number);
        request.GetProperty("context").GetProperty("ticket_id").GetInt32().Should().Be(4521, "the ticket number keeps the type the tool server sent");
        request.GetProperty("context").GetProperty("client_name").GetString().Should().Be("Clinique du Parc");
        request.GetProperty("context").GetProperty("description").GetString().Should().Be("Ticket résolu");
        (await n0.PostAsync("/webhook/wibot/safeguard/approve", Json($$"""{"approval_id":"{{ids[0]}}","comment":""}"""))).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        using var n3 = Axios(await LegacyLoginAsync("sg.n3"));
        (await ReadJsonAsync(await n3.GetAsync("/webhook/wibot/safeguard/requests?status=pending"))).GetProperty("requests")[0].GetProperty("can_decide").GetBoolean().Should().BeTrue();
        var approved = await ReadJsonAsync(await n3.PostAsync("/webhook/wibot/safeguard/approve", Json($$"""{"approval_id":"{{ids[0]}}","comment":""}""")));
        approved.GetProperty("success").GetBoolean().Should().BeTrue();
        approved.GetProperty("approval_id").GetString().Should().Be(ids[0]);
        approved.GetProperty("status").GetString().Should().Be("approved");
        Kind(approved, "message", JsonValueKind.String);
        var rejected = await ReadJsonAsync(await n3.PostAsync("/webhook/wibot/safeguard/reject", Json($$"""{"approval_id":"{{ids[1]}}","comment":""}""")));
        rejected.GetProperty("status").GetString().Should().Be("rejected");
        (await n3.PostAsync("/webhook/wibot/safeguard/reject", Json($$"""{"approval_id":"{{ids[1]}}","comment":""}"""))).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task NoRouteAnswers401_ExceptForAuthenticationFailures()
    {
        await CreateUserAsync("plain.tech", level: AccreditationLevel.N1);
        using var api = Axios(await LegacyLoginAsync("plain.tech"));

        var refusals = new List<HttpResponseMessage>
        {
            await api.PostAsync("/webhook/wibot/chat", Json("""{"conversation_id":"not-a-uuid","message":"x","mode":"flash"}""")),
            await api.PostAsync("/webhook/wibot/chat", Json("""{"message":"x","mode":"turbo"}""")),
            await api.GetAsync("/webhook/wibot/messages?conversationId=zzz"),
            await api.GetAsync("/webhook/wibot/analytics?period=7d"),
            await api.GetAsync("/webhook/wibot/admin/users"),
            await api.PostAsync("/webhook/wibot/admin/users", Json("""{"username":"x","password":"y"}""")),
            await api.PostAsync("/webhook/wibot/safeguard/approve", Json("""{"approval_id":"APR-999999","comment":""}""")),
        };
        using var renameMissing = new HttpRequestMessage(HttpMethod.Patch, "/webhook/wibot/conversation/rename") { Content = Json($$"""{"conversationId":"{{Guid.NewGuid()}}","title":"x"}""") };
        refusals.Add(await api.SendAsync(renameMissing));

        refusals.Select(r => (int)r.StatusCode).Should().OnlyContain(s => s != 401 && s >= 400 && s < 500);

        using var anonymous = Axios();
        (await anonymous.GetAsync("/webhook/wibot/conversations")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var forged = Axios("eyJhbGciOiJIUzI1NiJ9.eyJ1c2VySWQiOjF9.invalid");
        (await forged.GetAsync("/webhook/wibot/user/tokens")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnotherUsersClientChosenId_Is404OnChatMessagesAndRename_AndIsNotDeleted()
    {
        var owner = await CreateUserAsync("owner.legacy");
        await CreateUserAsync("other.legacy");
        var conversation = await SeedConversationAsync(owner.Id, "Privée", DateTimeOffset.UtcNow, SeedMessage.Q(Domain.Conversations.ChatMode.Flash, DateTimeOffset.UtcNow));
        using var api = Axios(await LegacyLoginAsync("other.legacy"));

        (await api.PostAsync("/webhook/wibot/chat", Json($$"""{"conversation_id":"{{conversation.Id}}","message":"x","mode":"flash"}"""))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await api.GetAsync($"/webhook/wibot/messages?conversationId={conversation.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var rename = new HttpRequestMessage(HttpMethod.Patch, "/webhook/wibot/conversation/rename") { Content = Json($$"""{"conversationId":"{{conversation.Id}}","title":"x"}""") };
        (await api.SendAsync(rename)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/webhook/wibot/conversation/delete") { Content = Json($$"""{"conversationId":"{{conversation.Id}}"}""") };
        (await ReadJsonAsync(await api.SendAsync(delete))).GetProperty("success").GetBoolean().Should().BeFalse();

        (await WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Conversations, c => c.Id == conversation.Id))).Should().Be(1);
    }
}
