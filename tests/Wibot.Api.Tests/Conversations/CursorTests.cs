using System.Net.Http.Json;
using System.Text.Json;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Conversations;

/// <summary>List cursors stay stable when several rows share a timestamp.</summary>
public sealed class CursorTests(WibotFactory factory) : ApiTestBase(factory)
{
    [Fact]
    public async Task Conversations_SharingAnUpdatedAt_AreAllListed_OnceEach_PageByPage()
    {
        var user = await CreateUserAsync("ties");
        var at = DateTimeOffset.Parse("2026-11-30T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var seeded = new List<Guid>();
        for (var i = 0; i < 7; i++)
        {
            seeded.Add((await SeedConversationAsync(user.Id, $"même instant {i}", at)).Id);
        }

        using var client = ClientWithToken(await LoginAsync("ties"));
        var listed = new List<Guid>();
        string? cursor = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await ReadJsonAsync(await client.GetAsync("/webhook/wibot/conversations?limit=3" + (cursor is null ? string.Empty : $"&before={cursor}")));
            listed.AddRange(page.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetGuid()));
            if (page.GetProperty("next_before").ValueKind == JsonValueKind.Null)
            {
                break;
            }

            cursor = page.GetProperty("next_before").GetString();
        }

        listed.Should().OnlyHaveUniqueItems().And.BeEquivalentTo(seeded);
    }

    [Fact]
    public async Task SafeguardQueue_RaisedAtTheSameInstant_PagesForwardWithAfter_WithoutLosingAny()
    {
        await CreateUserAsync("cur.admin", role: UserRole.Admin, level: AccreditationLevel.N4);
        using var admin = ClientWithToken(await LoginAsync("cur.admin"));
        var key = (await ReadJsonAsync(await admin.PostAsJsonAsync("/webhook/wibot/admin/api-keys", new { name = "mcp" }))).GetProperty("key").GetString();
        using var tool = WithAddress(Factory.CreateClient(), NewClientAddress());
        tool.DefaultRequestHeaders.Add("X-Api-Key", key);
        Factory.Clock.Now = DateTimeOffset.UtcNow;
        var raised = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            raised.Add((await ReadJsonAsync(await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "t", arguments = new { n = i }, level = "L1", reason = "r" })))
                .GetProperty("request_id").GetString()!);
        }

        var listed = new List<string>();
        string? after = null;
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await ReadJsonAsync(await admin.GetAsync("/webhook/wibot/safeguard/requests?limit=2" + (after is null ? string.Empty : $"&after={after}")));
            page.GetProperty("total").GetInt32().Should().Be(5);
            listed.AddRange(page.GetProperty("requests").EnumerateArray().Select(r => r.GetProperty("request_id").GetString()!));
            if (page.GetProperty("next_after").ValueKind == JsonValueKind.Null)
            {
                break;
            }

            after = page.GetProperty("next_after").GetString();
        }

        listed.Should().Equal(raised);
        await AssertProblemAsync(await admin.GetAsync("/webhook/wibot/safeguard/requests?after=nope"), 400);
    }
}
