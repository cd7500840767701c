using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Conversations;

namespace Wibot.Api.Tests.Conversations;

public sealed class ConversationsTests(WibotFactory factory) : ApiTestBase(factory)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UtcNow.AddDays(-3);

    [Fact]
    public async Task List_IsNewestActivityFirst_WithExactMessageCounts()
    {
        var user = await CreateUserAsync("anna");
        var old = await SeedConversationAsync(user.Id, "Ancienne", T0, SeedMessage.Q(ChatMode.Flash, T0), SeedMessage.A(ChatMode.Flash, T0.AddSeconds(1), 40));
        var recent = await SeedConversationAsync(user.Id, "Récente", T0.AddHours(1), SeedMessage.Q(ChatMode.Code, T0.AddHours(2)));
        var empty = await SeedConversationAsync(user.Id, "Vide", T0.AddMinutes(30));
        using var client = ClientWithToken(await LoginAsync("anna"));

        var response = await client.GetAsync("/webhook/wibot/conversations");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        var items = body.GetProperty("conversations").EnumerateArray().ToList();
        items.Select(i => i.GetProperty("conversation_id").GetGuid()).Should().Equal(recent.Id, empty.Id, old.Id);
        items.Select(i => i.GetProperty("message_count").GetInt32()).Should().Equal(1, 0, 2);
        items[0].GetProperty("title").GetString().Should().Be("Récente");
        items[0].GetProperty("updated_at").GetDateTimeOffset().Should().BeCloseTo(T0.AddHours(2), TimeSpan.FromMilliseconds(1));
        items[0].GetProperty("created_at").GetDateTimeOffset().Should().BeCloseTo(T0.AddHours(1), TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task List_Pagination_IsStableUnderInserts()
    {
        var user = await CreateUserAsync("bruno");
        var seeded = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            seeded.Add((await SeedConversationAsync(user.Id, $"c{i}", T0.AddMinutes(i))).Id);
        }

        using var client = ClientWithToken(await LoginAsync("bruno"));
        var page1 = await ReadJsonAsync(await client.GetAsync("/webhook/wibot/conversations?limit=3"));
        var cursor = page1.GetProperty("next_before").GetString();

        // A conversation created between two page loads goes to the top, not into the next page.
        (await client.PostAsJsonAsync("/webhook/wibot/conversations", new { title = "nouvelle" })).StatusCode.Should().Be(HttpStatusCode.Created);

        var page2 = await ReadJsonAsync(await client.GetAsync($"/webhook/wibot/conversations?limit=3&before={Uri.EscapeDataString(cursor!)}"));
        var cursor2 = page2.GetProperty("next_before").GetString();
        var page3 = await ReadJsonAsync(await client.GetAsync($"/webhook/wibot/conversations?limit=3&before={Uri.EscapeDataString(cursor2!)}"));

        var ids = new[] { page1, page2, page3 }.SelectMany(p => p.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetGuid())).ToList();
        ids.Should().Equal(Enumerable.Reverse(seeded));
        page3.GetProperty("next_before").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(201)]
    public async Task List_WithOutOfRangeLimit_Returns400(int limit)
    {
        await CreateUserAsync("carla");
        using var client = ClientWithToken(await LoginAsync("carla"));

        await AssertProblemAsync(await client.GetAsync($"/webhook/wibot/conversations?limit={limit}"), 400);
    }

    [Fact]
    public async Task Create_Rename_Messages_Delete_RoundTrip()
    {
        var user = await CreateUserAsync("dario");
        using var client = ClientWithToken(await LoginAsync("dario"));

        var created = await client.PostAsJsonAsync("/webhook/wibot/conversations", new { title = "Imprimante HS" });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var conv = await ReadJsonAsync(created);
        conv.GetProperty("success").GetBoolean().Should().BeTrue();
        conv.GetProperty("title").GetString().Should().Be("Imprimante HS");
        conv.GetProperty("message_count").GetInt32().Should().Be(0);
        var id = conv.GetProperty("conversation_id").GetGuid();

        var renamed = await client.PutAsJsonAsync($"/webhook/wibot/conversations/{id}", new { title = "Imprimante HP au 2e" });
        renamed.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(renamed)).GetProperty("title").GetString().Should().Be("Imprimante HP au 2e");

        await WithDbAsync(async db =>
        {
            var stored = await db.Conversations.SingleAsync(c => c.Id == id);
            db.Messages.Add(stored.Ask("Bonjour", ChatMode.Code, DateTimeOffset.UtcNow.AddSeconds(-2)));
            db.Messages.Add(stored.Answer("Réponse", ChatMode.Code, 33, 0, DateTimeOffset.UtcNow.AddSeconds(-1)));
            await db.SaveChangesAsync();
        });
        var messages = await ReadJsonAsync(await client.GetAsync($"/webhook/wibot/messages/{id}"));
        messages.GetProperty("conversation_id").GetGuid().Should().Be(id);
        var list = messages.GetProperty("messages").EnumerateArray().ToList();
        list.Select(m => m.GetProperty("role").GetString()).Should().Equal("user", "assistant");
        list[1].GetProperty("tokens_used").GetInt32().Should().Be(33);
        list[1].GetProperty("mode").GetString().Should().Be("code");
        list[0].GetProperty("has_attachment").GetBoolean().Should().BeFalse();
        list[0].TryGetProperty("attachment_name", out _).Should().BeTrue();

        (await client.DeleteAsync($"/webhook/wibot/conversations/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await client.GetAsync($"/webhook/wibot/messages/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await WithDbAsync(db => db.Messages.CountAsync(m => m.ConversationId == id))).Should().Be(0, "messages cascade with their conversation");
        (await WithDbAsync(db => db.Users.CountAsync(u => u.Id == user.Id))).Should().Be(1);
    }

    [Fact]
    public async Task Rename_WithBlankTitle_Returns400()
    {
        var user = await CreateUserAsync("elsa");
        var c = await SeedConversationAsync(user.Id, "x", T0);
        using var client = ClientWithToken(await LoginAsync("elsa"));

        await AssertProblemAsync(await client.PutAsJsonAsync($"/webhook/wibot/conversations/{c.Id}", new { title = "   " }), 400);
        await AssertProblemAsync(await client.PutAsJsonAsync("/webhook/wibot/conversations/not-a-uuid", new { title = "ok" }), 400);
    }

    [Fact]
    public async Task AnotherUsersConversation_Is404ForEveryVerb_AndStaysUntouched()
    {
        var owner = await CreateUserAsync("owner");
        await CreateUserAsync("intruder", role: Domain.Users.UserRole.Admin);
        var c = await SeedConversationAsync(owner.Id, "Secret", T0, SeedMessage.Q(ChatMode.Flash, T0));
        using var intruder = ClientWithToken(await LoginAsync("intruder"));

        var list = await ReadJsonAsync(await intruder.GetAsync("/webhook/wibot/conversations"));
        list.GetProperty("conversations").GetArrayLength().Should().Be(0);
        await AssertProblemAsync(await intruder.GetAsync($"/webhook/wibot/messages/{c.Id}"), 404);
        await AssertProblemAsync(await intruder.GetAsync($"/webhook/wibot/messages?conversationId={c.Id}"), 404);
        await AssertProblemAsync(await intruder.GetAsync($"/webhook/wibot/conversations/{c.Id}/messages"), 404);
        await AssertProblemAsync(await intruder.PutAsJsonAsync($"/webhook/wibot/conversations/{c.Id}", new { title = "pwned" }), 404);
        await AssertProblemAsync(await intruder.DeleteAsync($"/webhook/wibot/conversations/{c.Id}"), 404);
        using var legacyDelete = new HttpRequestMessage(HttpMethod.Delete, "/webhook/wibot/conversation/delete") { Content = JsonContent.Create(new { conversationId = c.Id }) };
        var legacy = await ReadJsonAsync(await intruder.SendAsync(legacyDelete));
        legacy.GetProperty("success").GetBoolean().Should().BeFalse();

        var stored = await WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync(x => x.Id == c.Id));
        stored.Title.Should().Be("Secret");
        (await WithDbAsync(db => db.Messages.CountAsync(m => m.ConversationId == c.Id))).Should().Be(1);
    }

    [Fact]
    public async Task LegacyRoutes_RenameAndDelete_AsTheN8nClientExpects()
    {
        var user = await CreateUserAsync("fabio");
        var c = await SeedConversationAsync(user.Id, "Avant", T0, SeedMessage.Q(ChatMode.Flash, T0));
        using var client = ClientWithToken(await LoginAsync("fabio"));

        using var rename = new HttpRequestMessage(HttpMethod.Patch, "/webhook/wibot/conversation/rename") { Content = JsonContent.Create(new { conversationId = c.Id, title = "Après" }) };
        var renamed = await ReadJsonAsync(await client.SendAsync(rename));
        renamed.GetProperty("success").GetBoolean().Should().BeTrue();
        renamed.GetProperty("conversation").GetProperty("title").GetString().Should().Be("Après");
        renamed.GetProperty("conversation").GetProperty("updated_at").GetDateTimeOffset().Should().BeAfter(T0);

        var byQuery = await ReadJsonAsync(await client.GetAsync($"/webhook/wibot/messages?conversationId={c.Id}"));
        byQuery.GetProperty("success").GetBoolean().Should().BeTrue();
        byQuery.GetProperty("messages").GetArrayLength().Should().Be(1);
        await AssertProblemAsync(await client.GetAsync("/webhook/wibot/messages?conversationId=zzz"), 400);
        await AssertProblemAsync(await client.GetAsync("/webhook/wibot/messages"), 400);

        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/webhook/wibot/conversation/delete") { Content = JsonContent.Create(new { conversationId = c.Id }) };
        var deleted = await ReadJsonAsync(await client.SendAsync(delete));
        deleted.GetProperty("success").GetBoolean().Should().BeTrue();
        deleted.GetProperty("deleted_conversation_id").GetGuid().Should().Be(c.Id);

        using var again = new HttpRequestMessage(HttpMethod.Delete, "/webhook/wibot/conversation/delete") { Content = JsonContent.Create(new { conversationId = Guid.NewGuid() }) };
        var unknown = await client.SendAsync(again);
        unknown.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(unknown)).GetProperty("success").GetBoolean().Should().BeFalse();
    }
}
