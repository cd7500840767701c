using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Auth;

public sealed class LoginTests(WibotFactory factory) : ApiTestBase(factory)
{
    [Fact]
    public async Task Login_WithValidCredentials_ReturnsTokenWithContractClaims()
    {
        var user = await CreateUserAsync("alice", role: UserRole.Admin, level: AccreditationLevel.N3);

        var before = DateTimeOffset.UtcNow;
        var response = await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "alice", password = "Correct-Horse-9" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        var u = body.GetProperty("user");
        u.GetProperty("id").GetInt32().Should().Be(user.Id);
        u.GetProperty("username").GetString().Should().Be("alice");
        u.GetProperty("email").GetString().Should().Be("alice@widip.test");
        u.GetProperty("role").GetString().Should().Be("admin");
        u.GetProperty("accreditation_level").GetString().Should().Be("N3");
        var expiresAt = body.GetProperty("expires_at").GetDateTimeOffset();
        expiresAt.Should().BeCloseTo(before.AddHours(24), TimeSpan.FromMinutes(1));

        var token = body.GetProperty("token").GetString()!;
        var parts = token.Split('.');
        parts.Should().HaveCount(3);
        var header = JsonDocument.Parse(Base64Url(parts[0])).RootElement;
        header.GetProperty("alg").GetString().Should().Be("HS256");
        var claims = JsonDocument.Parse(Base64Url(parts[1])).RootElement;
        claims.GetProperty("userId").ValueKind.Should().Be(JsonValueKind.Number);
        claims.GetProperty("userId").GetInt32().Should().Be(user.Id);
        claims.GetProperty("username").GetString().Should().Be("alice");
        claims.GetProperty("role").GetString().Should().Be("admin");
        claims.GetProperty("accreditationLevel").GetString().Should().Be("N3");
        var iat = claims.GetProperty("iat").GetInt64();
        var exp = claims.GetProperty("exp").GetInt64();
        (exp - iat).Should().Be(24 * 3600);
        DateTimeOffset.FromUnixTimeSeconds(iat).Should().BeCloseTo(before, TimeSpan.FromMinutes(1));
        token.Should().NotContain("Correct-Horse-9");
    }

    [Fact]
    public async Task Login_Token_GrantsAccessToProtectedRoutes()
    {
        await CreateUserAsync("bob", level: AccreditationLevel.N2);
        using var client = ClientWithToken(await LoginAsync("bob"));

        var me = await client.GetAsync("/webhook/auth/me");

        me.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(me);
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        body.GetProperty("username").GetString().Should().Be("bob");
        body.GetProperty("accreditation_level").GetString().Should().Be("N2");
    }

    [Fact]
    public async Task Login_EveryFailureMode_ReturnsTheIdentical401()
    {
        await CreateUserAsync("carol");
        await CreateUserAsync("dave", active: false);

        var unknown = await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "nobody", password = "Correct-Horse-9" });
        var wrong = await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "carol", password = "not-the-password" });
        var inactive = await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "dave", password = "Correct-Horse-9" });

        var bodies = new List<string>();
        foreach (var response in new[] { unknown, wrong, inactive })
        {
            await AssertProblemAsync(response, 401);
            var json = await ReadJsonAsync(response);
            bodies.Add(JsonSerializer.Serialize(new
            {
                type = json.GetProperty("type").GetString(),
                title = json.GetProperty("title").GetString(),
                detail = json.GetProperty("detail").GetString(),
                keys = json.EnumerateObject().Select(p => p.Name).Where(n => n != "trace_id").ToArray(),
            }));
        }

        bodies.Distinct().Should().ContainSingle("no response tells which of user, password or activation was wrong");
    }

    [Fact]
    public async Task Login_MissingFields_Returns400WithFieldErrors()
    {
        var response = await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "" });

        await AssertProblemAsync(response, 400);
        var body = await ReadJsonAsync(response);
        var errors = body.GetProperty("errors");
        errors.TryGetProperty("username", out _).Should().BeTrue();
        errors.TryGetProperty("password", out _).Should().BeTrue();
    }

    [Fact]
    public async Task Login_RepeatedFailuresForOneUsername_AreRefusedWith429AndRetryAfter()
    {
        await CreateUserAsync("erin");

        for (var i = 0; i < 6; i++)
        {
            // Each attempt from a different address: the per-username counter alone must trigger.
            using var client = WithAddress(Factory.CreateClient(), NewClientAddress());
            var failed = await client.PostAsJsonAsync("/webhook/auth/login", new { username = "erin", password = $"wrong-{i}" });
            failed.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var refused = await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "erin", password = "Correct-Horse-9" });

        await AssertProblemAsync(refused, 429);
        refused.Headers.RetryAfter.Should().NotBeNull();
        refused.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero);
    }

    [Fact]
    public async Task Login_RepeatedFailuresFromOneAddress_AreRefusedWith429()
    {
        await CreateUserAsync("frank");

        for (var i = 0; i < 8; i++)
        {
            var failed = await Client.PostAsJsonAsync("/webhook/auth/login", new { username = $"guess-{i}", password = "whatever-1" });
            failed.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var refused = await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "frank", password = "Correct-Horse-9" });
        await AssertProblemAsync(refused, 429);

        using var elsewhere = WithAddress(Factory.CreateClient(), NewClientAddress());
        var allowed = await elsewhere.PostAsJsonAsync("/webhook/auth/login", new { username = "frank", password = "Correct-Horse-9" });
        allowed.StatusCode.Should().Be(HttpStatusCode.OK, "another address is not punished for this one");
    }

    [Theory]
    [InlineData("$2a$")]
    [InlineData("$2b$")]
    [InlineData("$2y$")]
    public async Task Login_WithLegacyBcryptHash_SucceedsAndRehashes(string prefix)
    {
        var legacy = BCrypt.Net.BCrypt.HashPassword("Legacy-Pass-1", 10);
        legacy = prefix + legacy[4..];
        var user = await CreateUserAsync("legacy");
        await WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE users SET password_hash = {legacy} WHERE user_id = {user.Id}"));

        var first = await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "legacy", password = "Legacy-Pass-1" });
        first.StatusCode.Should().Be(HttpStatusCode.OK);

        var stored = await WithDbAsync(db => db.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => u.PasswordHash).SingleAsync());
        stored.Should().StartWith("$pbkdf2-sha256$");
        var second = await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "legacy", password = "Legacy-Pass-1" });
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        var wrong = await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "legacy", password = "Legacy-Pass-2" });
        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_SuccessAndFailure_AreWrittenToTheAuditLogWithTheClientAddress()
    {
        await CreateUserAsync("gina");

        await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "gina", password = "bad-password" });
        await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "gina", password = "Correct-Horse-9" });

        var entries = await WithDbAsync(db => db.AuditEntries.AsNoTracking().OrderBy(a => a.Id).ToListAsync());
        entries.Select(e => e.Action).Should().Equal("auth.login.failed", "auth.login.succeeded");
        entries.Should().OnlyContain(e => e.ClientAddress == ClientAddress && e.Target == "gina");
        entries.Select(e => e.Details ?? string.Empty).Should().NotContain(d => d.Contains("password", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task AuditLog_RefusesUpdatesDeletesAndTruncate_AndKeepsItsRows()
    {
        await CreateUserAsync("hugo");
        await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "hugo", password = "Correct-Horse-9" });

        var delete = () => WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_log"));
        var update = () => WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE audit_log SET action = 'forged'"));

        var truncate = () => WithDbAsync(db => db.Database.ExecuteSqlRawAsync("TRUNCATE audit_log"));

        await delete.Should().ThrowAsync<Npgsql.PostgresException>().WithMessage("*append-only*");
        await update.Should().ThrowAsync<Npgsql.PostgresException>().WithMessage("*append-only*");
        await truncate.Should().ThrowAsync<Npgsql.PostgresException>().WithMessage("*append-only*");
        (await WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "auth.login.succeeded"))).Should().Be(1);
    }

    [Fact]
    public async Task ChangePassword_RevokesOldTokens_AndTheNewPasswordWorks()
    {
        await CreateUserAsync("ivan");
        var oldToken = await LoginAsync("ivan");
        using var oldClient = ClientWithToken(oldToken);

        var change = await oldClient.PostAsJsonAsync("/webhook/auth/change-password", new { current_password = "Correct-Horse-9", new_password = "Brand-New-Pass-7" });

        change.StatusCode.Should().Be(HttpStatusCode.OK);
        var newToken = (await ReadJsonAsync(change)).GetProperty("token").GetString()!;
        (await oldClient.GetAsync("/webhook/auth/me")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        using var newClient = ClientWithToken(newToken);
        (await newClient.GetAsync("/webhook/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "ivan", password = "Brand-New-Pass-7" })).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task ChangePassword_WithWeakNewPassword_Returns400()
    {
        await CreateUserAsync("jane");
        using var client = ClientWithToken(await LoginAsync("jane"));

        var change = await client.PostAsJsonAsync("/webhook/auth/change-password", new { current_password = "Correct-Horse-9", new_password = "short" });

        await AssertProblemAsync(change, 400);
        (await ReadJsonAsync(change)).GetProperty("errors").TryGetProperty("new_password", out _).Should().BeTrue();
    }

    private static string Base64Url(string segment)
    {
        var s = segment.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        return Encoding.UTF8.GetString(Convert.FromBase64String(s));
    }
}
