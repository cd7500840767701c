using System.Net.Http.Json;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Safeguard;

public abstract class SafeguardTestBase(WibotFactory factory) : ApiTestBase(factory)
{
    protected async Task<HttpClient> AdminClientAsync()
    {
        await CreateUserAsync("sg.admin", role: UserRole.Admin, level: AccreditationLevel.N4);
        return ClientWithToken(await LoginAsync("sg.admin"));
    }

    /// <summary>An HTTP client authenticated as a tool server with a freshly issued API key.</summary>
    protected async Task<(HttpClient Client, string KeyId, string Key)> ToolServerAsync(HttpClient admin, string name = "mcp-ad")
    {
        var created = await admin.PostAsJsonAsync("/webhook/wibot/admin/api-keys", new { name });
        created.EnsureSuccessStatusCode();
        var body = await ReadJsonAsync(created);
        var key = body.GetProperty("key").GetString()!;
        var client = WithAddress(Factory.CreateClient(), NewClientAddress());
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return (client, body.GetProperty("key_id").GetString()!, key);
    }

    protected static async Task<string> RaiseAsync(HttpClient tool, string level = "L2", string? requestedFor = null, object? arguments = null, int? ttlSeconds = null)
    {
        var response = await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new
        {
            tool = "ad_reset_password",
            arguments = arguments ?? new { user = "jdupont" },
            level,
            reason = "Mot de passe oublié, ticket #4521",
            requested_for = requestedFor,
            ttl_seconds = ttlSeconds,
        });
        response.EnsureSuccessStatusCode();
        return (await ReadJsonAsync(response)).GetProperty("request_id").GetString()!;
    }
}
