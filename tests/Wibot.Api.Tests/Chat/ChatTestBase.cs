using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Infrastructure;

namespace Wibot.Api.Tests.Chat;

public abstract class ChatTestBase(WibotFactory factory) : ApiTestBase(factory)
{
    protected async Task<(Domain.Users.User User, HttpClient Client)> TechAsync(string name = "tech")
    {
        var user = await CreateUserAsync(name);
        return (user, ClientWithToken(await LoginAsync(name)));
    }

    protected static Task<HttpResponseMessage> ChatAsync(HttpClient client, object body) =>
        client.PostAsJsonAsync("/webhook/wibot/chat", body);

    protected Task<long> UsedTokensAsync(int userId) =>
        WithDbAsync(db => db.TokenUsage.Where(t => t.UserId == userId).SumAsync(t => t.UsedTokens));

    protected Task<long> ReservedTokensAsync(int userId) =>
        WithDbAsync(db => db.TokenUsage.Where(t => t.UserId == userId).SumAsync(t => t.ReservedTokens));

    protected Task<int> MessageCountAsync() => WithDbAsync(db => db.Messages.CountAsync());

    /// <summary>Reads a Server-Sent Events body into (event, data) pairs.</summary>
    protected static List<(string Event, JsonElement Data)> ParseSse(string body)
    {
        var events = new List<(string, JsonElement)>();
        foreach (var block in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? name = null, data = null;
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data = line[6..];
                }
            }

            if (name is not null && data is not null)
            {
                events.Add((name, JsonDocument.Parse(data).RootElement.Clone()));
            }
        }

        return events;
    }
}
