using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Chat;
using Wibot.Api.Tests.Fakes;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Conversations;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Security;

/// <summary>Rates, sizes and counts that hold whatever a client sends.</summary>
public sealed class LimitsTests(WibotFactory factory) : ChatTestBase(factory)
{
    [Fact]
    public async Task Chat_PastThePerUserRate_Is429WithRetryAfter_AndOtherUsersGoOn()
    {
        var (_, busy) = await TechAsync("busy");
        var (_, other) = await TechAsync("other");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 31; i++)
        {
            statuses.Add((await ChatAsync(busy, new { message = $"question {i}", mode = "flash" })).StatusCode);
        }

        statuses.Take(30).Should().AllSatisfy(s => s.Should().Be(HttpStatusCode.OK));
        var refused = await ChatAsync(busy, new { message = "encore", mode = "flash" });
        await AssertProblemAsync(refused, 429);
        refused.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero);
        (await ChatAsync(other, new { message = "bonjour", mode = "flash" })).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Chat_TooManyFiles_Is413_AsJsonOrMultipart_AndNothingIsStored()
    {
        var (_, client) = await TechAsync();
        var files = Enumerable.Range(0, 6).Select(i => new { name = $"f{i}.txt", content = Convert.ToBase64String(Encoding.UTF8.GetBytes("x")), type = "text/plain" }).ToArray();

        await AssertProblemAsync(await ChatAsync(client, new { message = "six fichiers", files }), 413);

        using var form = new MultipartFormDataContent { { new StringContent("six fichiers"), "message" } };
        for (var i = 0; i < 6; i++)
        {
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("x")) { Headers = { ContentType = new("text/plain") } }, "file", $"f{i}.txt");
        }

        await AssertProblemAsync(await client.PostAsync("/webhook/wibot/chat", form), 413);
        (await MessageCountAsync()).Should().Be(0);
        Factory.Model.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task ConcurrentTurnsOfOneConversation_CountEveryMessage()
    {
        var (user, client) = await TechAsync();
        var conversation = await SeedConversationAsync(user.Id, "parallèle", DateTimeOffset.UtcNow.AddMinutes(-1));
        Factory.Model.Enqueue(Enumerable.Range(0, 6).Select(_ => (FakeBehavior)new FakeBehavior.Reply("réponse", 40, 20, Chunks: 3, ChunkDelayMs: 50)).ToArray());

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => ChatAsync(client, new { message = $"question {i}", mode = "flash", conversation_id = conversation.Id })));

        answers.Should().AllSatisfy(a => a.StatusCode.Should().Be(HttpStatusCode.OK));
        var stored = await WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conversation.Id));
        stored.MessageCount.Should().Be(12).And.Be(await WithDbAsync(db => db.Messages.CountAsync(m => m.ConversationId == conversation.Id)));
    }

    [Fact]
    public async Task SafeguardEvents_EndWhenTheUserIsDeactivated_AndAreCappedPerUser()
    {
        var tech = await CreateUserAsync("listener", level: AccreditationLevel.N2);
        await CreateUserAsync("ev.admin", role: UserRole.Admin, level: AccreditationLevel.N4);
        using var admin = ClientWithToken(await LoginAsync("ev.admin"));
        var token = await LoginAsync("listener");

        var open = new List<(HttpClient Client, HttpResponseMessage Response)>();
        for (var i = 0; i < 5; i++)
        {
            var c = ClientWithToken(token);
            open.Add((c, await c.GetAsync("/webhook/wibot/safeguard/events", HttpCompletionOption.ResponseHeadersRead)));
            open[^1].Response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using (var sixth = ClientWithToken(token))
        {
            await AssertProblemAsync(await sixth.GetAsync("/webhook/wibot/safeguard/events", HttpCompletionOption.ResponseHeadersRead), 429);
        }

        (await admin.PutAsJsonAsync("/webhook/wibot/admin/users", new { user_id = tech.Id, is_active = false })).EnsureSuccessStatusCode();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var body = await open[0].Response.Content.ReadAsStringAsync(timeout.Token);
        body.Should().Contain("event: end", "the stream closes at the next keep-alive once the user is deactivated");
        foreach (var (c, r) in open)
        {
            r.Dispose();
            c.Dispose();
        }
    }

    [Fact]
    public async Task SafeguardList_TotalCountsTheStatus_NotThePage()
    {
        await CreateUserAsync("sg.admin", role: UserRole.Admin, level: AccreditationLevel.N4);
        using var admin = ClientWithToken(await LoginAsync("sg.admin"));
        var key = (await ReadJsonAsync(await admin.PostAsJsonAsync("/webhook/wibot/admin/api-keys", new { name = "mcp" }))).GetProperty("key").GetString();
        using var tool = WithAddress(Factory.CreateClient(), NewClientAddress());
        tool.DefaultRequestHeaders.Add("X-Api-Key", key);
        for (var i = 0; i < 3; i++)
        {
            (await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "t", arguments = new { n = i }, level = "L1", reason = "r" })).EnsureSuccessStatusCode();
        }

        var page = await ReadJsonAsync(await admin.GetAsync("/webhook/wibot/safeguard/requests?limit=2"));

        page.GetProperty("requests").GetArrayLength().Should().Be(2);
        page.GetProperty("total").GetInt32().Should().Be(3);
    }
}
