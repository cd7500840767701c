using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Auth;

public sealed class TokenValidationTests(WibotFactory factory) : ApiTestBase(factory)
{
    [Fact]
    public async Task Request_WithoutToken_Returns401Problem()
    {
        var response = await Client.GetAsync("/webhook/auth/me");

        await AssertProblemAsync(response, 401);
    }

    [Fact]
    public async Task Token_WithTamperedPayload_Returns401()
    {
        await CreateUserAsync("kate");
        var token = await LoginAsync("kate");
        var parts = token.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"role\":\"user\"", "\"role\":\"admin\"", StringComparison.Ordinal);
        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        using var client = ClientWithToken(forged);
        await AssertProblemAsync(await client.GetAsync("/webhook/auth/me"), 401);
    }

    [Fact]
    public async Task Token_SignedWithAnotherKey_Returns401()
    {
        var user = await CreateUserAsync("liam");
        var token = Sign(user, "another-key-another-key-another-key-0123456789", DateTime.UtcNow.AddHours(1));

        using var client = ClientWithToken(token);
        await AssertProblemAsync(await client.GetAsync("/webhook/auth/me"), 401);
    }

    [Fact]
    public async Task Token_WithAlgNone_Returns401()
    {
        var user = await CreateUserAsync("mia");
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var payload = Base64UrlEncoder.Encode($"{{\"userId\":{user.Id},\"username\":\"mia\",\"role\":\"admin\",\"accreditationLevel\":\"N4\",\"iss\":\"wibot\",\"aud\":\"wibot\",\"exp\":{exp},\"sst\":\"{user.SecurityStamp:N}\"}}");

        using var client = ClientWithToken($"{header}.{payload}.");
        await AssertProblemAsync(await client.GetAsync("/webhook/auth/me"), 401);
    }

    [Fact]
    public async Task Token_Expired_Returns401()
    {
        var user = await CreateUserAsync("noah");
        var token = Sign(user, WibotFactory.JwtSecret, DateTime.UtcNow.AddMinutes(-5));

        using var client = ClientWithToken(token);
        await AssertProblemAsync(await client.GetAsync("/webhook/auth/me"), 401);
    }

    [Fact]
    public async Task Token_SignedWithTheRightKey_IsAccepted()
    {
        // Guards the tests above: the hand-made token is only refused for the reason under test.
        var user = await CreateUserAsync("olga");
        var token = Sign(user, WibotFactory.JwtSecret, DateTime.UtcNow.AddMinutes(5));

        using var client = ClientWithToken(token);
        (await client.GetAsync("/webhook/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Token_StopsWorking_WhenUserIsDeactivated()
    {
        var user = await CreateUserAsync("paul");
        using var client = ClientWithToken(await LoginAsync("paul"));
        (await client.GetAsync("/webhook/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);

        await WithDbAsync(async db =>
        {
            var tracked = await db.Users.SingleAsync(u => u.Id == user.Id);
            tracked.Deactivate();
            await db.SaveChangesAsync();
        });

        await AssertProblemAsync(await client.GetAsync("/webhook/auth/me"), 401);
    }

    [Theory]
    [InlineData("role")]
    [InlineData("accreditation")]
    [InlineData("password")]
    [InlineData("delete")]
    public async Task Token_StopsWorking_WhenSecurityRelevantFieldsChange(string change)
    {
        var user = await CreateUserAsync("quinn");
        using var client = ClientWithToken(await LoginAsync("quinn"));
        (await client.GetAsync("/webhook/auth/me")).StatusCode.Should().Be(HttpStatusCode.OK);

        await WithDbAsync(async db =>
        {
            var tracked = await db.Users.SingleAsync(u => u.Id == user.Id);
            switch (change)
            {
                case "role":
                    tracked.ChangeRole(UserRole.Admin);
                    break;
                case "accreditation":
                    tracked.ChangeAccreditation(AccreditationLevel.N4);
                    break;
                case "password":
                    tracked.ChangePassword("$pbkdf2-sha256$1000$AAAA$AAAA");
                    break;
                default:
                    db.Users.Remove(tracked);
                    break;
            }

            await db.SaveChangesAsync();
        });

        await AssertProblemAsync(await client.GetAsync("/webhook/auth/me"), 401);
    }

    private static string Sign(User user, string key, DateTime expires)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "wibot",
            Audience = "wibot",
            IssuedAt = expires.AddHours(-24),
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object>
            {
                ["userId"] = user.Id,
                ["username"] = user.Username,
                ["role"] = "user",
                ["accreditationLevel"] = user.AccreditationLevel.ToString(),
                ["sst"] = user.SecurityStamp.ToString("N"),
            },
        });
    }
}
