using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Security;

/// <summary>
/// Hostile and malformed input on every route, with and without valid tokens: never a 500, never a
/// stack trace, and a refused request changes nothing.
/// </summary>
public sealed partial class FuzzTests(WibotFactory factory) : ApiTestBase(factory)
{
    private static readonly string[] HostileBodies =
    [
        "null", "[]", "\"text\"", "12345678901234567890123", "{\"username\":null,\"password\":null}",
        "{\"message\":{\"nested\":true},\"mode\":[1,2]}", "{\"user_id\":1e400}", "{\"user_id\":\"1 OR 1=1\"}",
        "{\"quota_tokens\":99999999999999999999999}", "{\"title\":\"\\ud800\"}", "{\"comment\":\"\\u0000\"}",
        new string('[', 5_000) + new string(']', 5_000), "{\"a\":" + new string('{', 200), "not json", "{'single':'quotes'}",
        "{\"request_id\":\"APR-1' OR '1'='1\",\"comment\":\"x\"}", "{\"level\":\"L1; DROP TABLE x\",\"tool\":\"t\",\"arguments\":{},\"reason\":\"r\"}",
    ];

    /// <summary>Strings put in every path and query parameter: injections, NUL, boundary dates, oversized numbers.</summary>
    private static readonly string[] HostileParameters =
    [
        "' OR '1'='1", "1; SELECT pg_sleep(5)--", "<script>alert(1)</script>", "../../../../etc/passwd", "%00", "\u0000",
        "a\u0000b", "\u202Eevil", "😀🔥", new string('A', 200), "NaN", "-1", "1e309", "99999999999999999999", "2147483648",
        "9999-12-31", "0001-01-01", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "APR-99999999999999999999",
    ];

    private static readonly string[] HostileTextBodies =
    [
        "{\"message\":\"\\u0000\",\"title\":\"\\u0000\",\"name\":\"\\u0000\",\"username\":\"a\\u0000\",\"password\":\"\\u0000\",\"reason\":\"\\u0000\",\"comment\":\"\\u0000\",\"request_id\":\"APR-1\\u0000\",\"email\":\"\\u0000@x\"}",
        "{\"user_id\":99999999999999999999,\"quota_tokens\":1e30,\"add_tokens\":-99999999999,\"ttl_seconds\":2147483648,\"limit\":-5}",
        "{\"tool\":\"t\",\"arguments\":{\"x\\u0000\":\"\\u0000\"},\"level\":\"L1\",\"reason\":\"r\",\"requested_for\":\"\\u0000\"}",
        "{\"current_password\":\"\\u0000\",\"new_password\":\"\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\\u0000\"}",
    ];

    /// <summary>Every route the API serves (from its endpoint data source), with its query parameters (from the API explorer).</summary>
    private List<(HttpMethod Method, string Pattern, string[] Query)> DiscoverRoutes()
    {
        var explorer = Factory.Services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items.SelectMany(g => g.Items).ToList();
        var routes = new List<(HttpMethod, string, string[])>();
        foreach (var endpoint in Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET", "POST"];
            foreach (var method in methods)
            {
                var query = explorer
                    .Where(d => string.Equals(d.HttpMethod, method, StringComparison.OrdinalIgnoreCase) && "/" + d.RelativePath?.TrimStart('/') == pattern)
                    .SelectMany(d => d.ParameterDescriptions.Where(p => p.Source == BindingSource.Query).Select(p => p.Name))
                    .Distinct()
                    .ToArray();
                routes.Add((new HttpMethod(method), pattern, query));
            }
        }

        return routes;
    }

    private static string Fill(string pattern, string[] query, string value)
    {
        var escaped = Uri.EscapeDataString(value);
        var path = RouteParameter().Replace(pattern, escaped);
        return query.Length == 0 ? path : path + "?" + string.Join('&', query.Select(q => $"{q}={escaped}"));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\{[^}]+\}")]
    private static partial System.Text.RegularExpressions.Regex RouteParameter();

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
        var routes = DiscoverRoutes();
        routes.Select(r => $"{r.Method} {r.Pattern}").Should().Contain(
            ["GET /webhook/auth/me", "GET /webhook/wibot/rag/documents", "GET /webhook/wibot/safeguard/events", "GET /webhook/wibot/admin/api-keys",
             "GET /webhook/wibot/conversations/{id}/messages", "GET /webhook/wibot/analytics", "POST /webhook/wibot/chat", "GET /health/ready"],
            "the fuzz run covers every route the API serves");

        foreach (var (method, pattern, query) in routes)
        {
            var hasParameters = query.Length > 0 || pattern.Contains('{', StringComparison.Ordinal);
            var inputs = new List<(string Path, string? Body)>();
            if (hasParameters)
            {
                inputs.AddRange(HostileParameters.Select(v => (Fill(pattern, query, v), method == HttpMethod.Get ? null : (string?)"{}")));
            }

            if (method != HttpMethod.Get)
            {
                var path = RouteParameter().Replace(pattern, "1");
                inputs.AddRange(HostileBodies.Concat(HostileTextBodies).Select(b => (path, (string?)b)));
            }
            else if (!hasParameters)
            {
                inputs.Add((pattern, null));
            }

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

                    // Event streams stay open: their answer is judged on the status and headers.
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    sent++;
                    var status = (int)response.StatusCode;
                    var text = response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? string.Empty : await response.Content.ReadAsStringAsync(timeout.Token);
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

        sent.Should().BeGreaterThan(2000);
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
