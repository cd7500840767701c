using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Security;

/// <summary>
/// Hostile and malformed input on every route, with and without valid tokens: never a 500, never a
/// stack trace, and a refused request changes nothing.
/// </summary>
public sealed class FuzzTests(WibotFactory factory) : ApiTestBase(factory)
{
    private static readonly string[] HostileStrings =
    [
        "' OR '1'='1", "'; DROP TABLE users; --", "\" OR \"\"=\"", "1; SELECT pg_sleep(5)--", "admin'--",
        "<script>alert(1)</script>", "{{7*7}}", "${jndi:ldap://x}", "../../../../etc/passwd", "%00", "\u0000",
        "\u202Eevil", "\uFEFF", "😀🔥", "\u0301\u0301\u0301", new string('A', 20_000), "NaN", "-1", "1e309",
    ];

    private static readonly string[] HostileBodies =
    [
        "null", "[]", "\"text\"", "12345678901234567890123", "{\"username\":null,\"password\":null}",
        "{\"message\":{\"nested\":true},\"mode\":[1,2]}", "{\"user_id\":1e400}", "{\"user_id\":\"1 OR 1=1\"}",
        "{\"quota_tokens\":99999999999999999999999}", "{\"title\":\"\\ud800\"}", "{\"comment\":\"\\u0000\"}",
        new string('[', 5_000) + new string(']', 5_000), "{\"a\":" + new string('{', 200), "not json", "{'single':'quotes'}",
        "{\"request_id\":\"APR-1' OR '1'='1\",\"comment\":\"x\"}", "{\"level\":\"L1; DROP TABLE x\",\"tool\":\"t\",\"arguments\":{},\"reason\":\"r\"}",
    ];

    private static readonly (HttpMethod Method, string Path)[] Routes =
    [
        (HttpMethod.Post, "/webhook/auth/login"),
        (HttpMethod.Post, "/webhook/auth/change-password"),
        (HttpMethod.Post, "/webhook/wibot/chat"),
        (HttpMethod.Get, "/webhook/wibot/conversations?limit={0}&before={0}"),
        (HttpMethod.Post, "/webhook/wibot/conversations"),
        (HttpMethod.Put, "/webhook/wibot/conversations/{0}"),
        (HttpMethod.Delete, "/webhook/wibot/conversations/{0}"),
        (HttpMethod.Get, "/webhook/wibot/messages/{0}"),
        (HttpMethod.Get, "/webhook/wibot/messages?conversationId={0}"),
        (HttpMethod.Patch, "/webhook/wibot/conversation/rename"),
        (HttpMethod.Delete, "/webhook/wibot/conversation/delete"),
        (HttpMethod.Get, "/webhook/wibot/user/tokens"),
        (HttpMethod.Get, "/webhook/wibot/admin/users"),
        (HttpMethod.Post, "/webhook/wibot/admin/users"),
        (HttpMethod.Put, "/webhook/wibot/admin/users"),
        (HttpMethod.Delete, "/webhook/wibot/admin/users?user_id={0}"),
        (HttpMethod.Post, "/webhook/wibot/admin/users/{0}/quota"),
        (HttpMethod.Get, "/webhook/wibot/analytics?from={0}&to={0}"),
        (HttpMethod.Get, "/webhook/wibot/analytics?period={0}"),
        (HttpMethod.Get, "/webhook/wibot/safeguard/requests?status={0}&limit={0}"),
        (HttpMethod.Get, "/webhook/wibot/safeguard/requests/{0}?wait={0}"),
        (HttpMethod.Post, "/webhook/wibot/safeguard/requests"),
        (HttpMethod.Post, "/webhook/wibot/safeguard/approve"),
        (HttpMethod.Post, "/webhook/wibot/safeguard/reject"),
        (HttpMethod.Post, "/webhook/wibot/admin/api-keys"),
        (HttpMethod.Delete, "/webhook/wibot/admin/api-keys/{0}"),
        (HttpMethod.Get, "/webhook/wibot/rag/search?q={0}&limit={0}&type={0}&client={0}"),
        (HttpMethod.Post, "/webhook/wibot/rag/ingest"),
    ];

    private Task<long[]> CountsAsync() => WithDbAsync(async db => new[]
    {
        (long)await db.Users.CountAsync(), await db.Conversations.CountAsync(), await db.Messages.CountAsync(),
        await db.SafeguardRequests.CountAsync(), await db.ApiKeys.CountAsync(), await db.TokenUsage.SumAsync(t => t.UsedTokens),
    });

    [Fact]
    public async Task HostileInput_OnEveryRoute_NeverCauses500_NorLeaksInternals_NorChangesDataWhenRefused()
    {
        var user = await CreateUserAsync("fuzz.user");
        await CreateUserAsync("fuzz.admin", role: UserRole.Admin, level: AccreditationLevel.N4);
        var clients = new[]
        {
            WithAddress(Factory.CreateClient(), NewClientAddress()),
            ClientWithToken(await LoginAsync("fuzz.user")),
            ClientWithToken(await LoginAsync("fuzz.admin")),
        };
        await SeedConversationAsync(user.Id, "existante", DateTimeOffset.UtcNow, SeedMessage.Q(Domain.Conversations.ChatMode.Flash, DateTimeOffset.UtcNow));
        var failures = new List<string>();
        var sent = 0;

        foreach (var (method, template) in Routes)
        {
            var inputs = template.Contains("{0}", StringComparison.Ordinal)
                ? HostileStrings.Take(12).Select(s => (Path: string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Uri.EscapeDataString(s.Length > 200 ? s[..200] : s)), Body: (string?)null))
                : HostileBodies.Select(b => (Path: template, Body: (string?)b));
            foreach (var (path, body) in inputs)
            {
                foreach (var client in clients)
                {
                    var before = await CountsAsync();
                    using var request = new HttpRequestMessage(method, path);
                    if (body is not null)
                    {
                        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                    }

                    var response = await client.SendAsync(request);
                    sent++;
                    var text = await response.Content.ReadAsStringAsync();
                    var status = (int)response.StatusCode;
                    if (status >= 500 || text.Contains("   at ", StringComparison.Ordinal) || text.Contains("Exception", StringComparison.Ordinal) || text.Contains("Npgsql", StringComparison.Ordinal))
                    {
                        failures.Add($"{method} {path[..Math.Min(path.Length, 120)]} body={body?[..Math.Min(body.Length, 60)]} → {status} {text[..Math.Min(text.Length, 200)]}");
                    }

                    if (status >= 400 && !(await CountsAsync()).SequenceEqual(before))
                    {
                        failures.Add($"{method} {path} was refused ({status}) but changed data");
                    }

                    if (status >= 400 && response.Content.Headers.ContentLength != 0 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        failures.Add($"{method} {path} → {status} without problem+json ({response.Content.Headers.ContentType})");
                    }
                }
            }
        }

        sent.Should().BeGreaterThan(500);
        failures.Should().BeEmpty();
        foreach (var c in clients)
        {
            c.Dispose();
        }
    }

    [Fact]
    public async Task Tokens_SignedWithCommonSecrets_OrOtherAlgorithms_AreRefused()
    {
        var user = await CreateUserAsync("jwt.target", role: UserRole.User);
        string[] wordlist = ["wibot_secret", "secret", "changeme", "password", "jwt_secret", "your-256-bit-secret", "wibot", "admin", "123456", "supersecretkey"];
        var handler = new JsonWebTokenHandler();
        foreach (var secret in wordlist)
        {
            var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret.PadRight(64, '0')));
            foreach (var alg in new[] { SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha512 })
            {
                var token = handler.CreateToken(new SecurityTokenDescriptor
                {
                    Issuer = "wibot", Audience = "wibot", Expires = DateTime.UtcNow.AddHours(1),
                    SigningCredentials = new SigningCredentials(key, alg),
                    Claims = new Dictionary<string, object> { ["userId"] = user.Id, ["username"] = "jwt.target", ["role"] = "admin", ["accreditationLevel"] = "N4", ["sst"] = user.SecurityStamp.ToString("N") },
                });
                using var client = ClientWithToken(token);
                (await client.GetAsync("/webhook/wibot/admin/users")).StatusCode.Should().Be(HttpStatusCode.Unauthorized, $"{secret} {alg}");
            }
        }

        // The real key with HS512 instead of the configured HS256: refused too (signed by hand, as an attacker would).
        var header = Base64UrlEncoder.Encode("{\"alg\":\"HS512\",\"typ\":\"JWT\"}");
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode($"{{\"iss\":\"wibot\",\"aud\":\"wibot\",\"exp\":{exp},\"userId\":{user.Id},\"username\":\"jwt.target\",\"role\":\"user\",\"accreditationLevel\":\"N1\",\"sst\":\"{user.SecurityStamp:N}\"}}");
        var signature = Base64UrlEncoder.Encode(System.Security.Cryptography.HMACSHA512.HashData(Encoding.UTF8.GetBytes(WibotFactory.JwtSecret), Encoding.ASCII.GetBytes($"{header}.{payload}")));
        using var confused = ClientWithToken($"{header}.{payload}.{signature}");
        (await confused.GetAsync("/webhook/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task PrivilegeEscalation_UserCannotRaiseTheirRights()
    {
        var user = await CreateUserAsync("climber", level: AccreditationLevel.N1);
        using var client = ClientWithToken(await LoginAsync("climber"));

        (await client.PutAsync("/webhook/wibot/admin/users", new StringContent($"{{\"user_id\":{user.Id},\"role\":\"admin\",\"accreditation_level\":\"N4\"}}", Encoding.UTF8, "application/json")))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.PostAsync($"/webhook/wibot/admin/users/{user.Id}/quota", new StringContent("{\"add_tokens\":1000000}", Encoding.UTF8, "application/json")))
            .StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await client.PostAsync("/webhook/auth/change-password", new StringContent("{\"current_password\":\"Correct-Horse-9\",\"new_password\":\"New-Pass-1234\",\"role\":\"admin\"}", Encoding.UTF8, "application/json")))
            .StatusCode.Should().Be(HttpStatusCode.OK);

        var stored = await WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.Id));
        stored.Role.Should().Be(UserRole.User);
        stored.AccreditationLevel.Should().Be(AccreditationLevel.N1);
    }
}
