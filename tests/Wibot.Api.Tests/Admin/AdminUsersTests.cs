using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Application.Tokens.GetTokenBalance;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Admin;

public sealed class AdminUsersTests(WibotFactory factory) : ApiTestBase(factory)
{
    private async Task<(User Admin, HttpClient Client)> AdminAsync(string name = "root")
    {
        var admin = await CreateUserAsync(name, role: UserRole.Admin, level: AccreditationLevel.N4);
        return (admin, ClientWithToken(await LoginAsync(name)));
    }

    [Fact]
    public async Task NonAdmin_Gets403OnEveryAdminAndAnalyticsRoute()
    {
        await CreateUserAsync("tech", level: AccreditationLevel.N4);
        using var client = ClientWithToken(await LoginAsync("tech"));

        await AssertProblemAsync(await client.GetAsync("/webhook/wibot/admin/users"), 403);
        await AssertProblemAsync(await client.PostAsJsonAsync("/webhook/wibot/admin/users", new { username = "x1x", password = "Aa1-aaaaaaaa", role = "user", accreditation_level = "N0" }), 403);
        await AssertProblemAsync(await client.PutAsJsonAsync("/webhook/wibot/admin/users", new { user_id = 1, role = "admin" }), 403);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/webhook/wibot/admin/users") { Content = JsonContent.Create(new { user_id = 1 }) };
        await AssertProblemAsync(await client.SendAsync(delete), 403);
        await AssertProblemAsync(await client.PostAsJsonAsync("/webhook/wibot/admin/users/1/quota", new { add_tokens = 5 }), 403);
        await AssertProblemAsync(await client.GetAsync("/webhook/wibot/analytics"), 403);
        await AssertProblemAsync(await client.GetAsync("/webhook/wibot/analytics?period=7d"), 403);
    }

    [Fact]
    public async Task Create_ThenList_ShowsTheUserWithUsage()
    {
        var (_, admin) = await AdminAsync();

        var created = await admin.PostAsJsonAsync("/webhook/wibot/admin/users", new
        {
            username = "nouveau",
            password = "Motdepasse-Solide-1",
            email = "nouveau@widip.fr",
            role = "user",
            accreditation_level = "N2",
            quota_tokens = 75_000,
        });

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var user = await ReadJsonAsync(created);
        user.GetProperty("success").GetBoolean().Should().BeTrue();
        user.GetProperty("username").GetString().Should().Be("nouveau");
        user.GetProperty("accreditation_level").GetString().Should().Be("N2");
        user.GetProperty("quota_tokens").GetInt64().Should().Be(75_000);
        user.GetRawText().Should().NotContain("Motdepasse").And.NotContain("password");

        var list = await ReadJsonAsync(await admin.GetAsync("/webhook/wibot/admin/users"));
        list.GetProperty("success").GetBoolean().Should().BeTrue();
        var row = list.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("username").GetString() == "nouveau");
        row.GetProperty("id").GetInt32().Should().Be(row.GetProperty("user_id").GetInt32());
        row.GetProperty("used_tokens").GetInt64().Should().Be(0);
        row.GetProperty("quota_tokens").GetInt64().Should().Be(75_000);
        row.GetProperty("is_active").GetBoolean().Should().BeTrue();
        row.GetProperty("email").GetString().Should().Be("nouveau@widip.fr");
        list.GetProperty("users").EnumerateArray().Should().OnlyContain(u => u.GetProperty("quota_tokens").ValueKind == JsonValueKind.Number);

        (await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "nouveau", password = "Motdepasse-Solide-1" })).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Create_AsTheLegacyClientSendsIt_EmptyEmailAndNullQuota()
    {
        var (_, admin) = await AdminAsync();

        var created = await admin.PostAsJsonAsync("/webhook/wibot/admin/users", new { username = "legacy.user", password = "Legacy-Client-1", email = "", role = "user", accreditation_level = "N1", quota_tokens = (long?)null });

        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var user = await ReadJsonAsync(created);
        user.GetProperty("email").ValueKind.Should().Be(JsonValueKind.Null);
        user.GetProperty("quota_tokens").GetInt64().Should().Be(50_000);
    }

    [Fact]
    public async Task Create_DuplicateUsername_Returns409()
    {
        var (_, admin) = await AdminAsync();
        await CreateUserAsync("taken");

        var response = await admin.PostAsJsonAsync("/webhook/wibot/admin/users", new { username = "taken", password = "Another-Pass-123", role = "user", accreditation_level = "N0" });

        await AssertProblemAsync(response, 409);
    }

    [Theory]
    [InlineData("ab", "Good-Passw0rd!", "user", "N1", null, "username")]
    [InlineData("bad name", "Good-Passw0rd!", "user", "N1", null, "username")]
    [InlineData("okname", "weak", "user", "N1", null, "password")]
    [InlineData("okname", "Good-Passw0rd!", "superuser", "N1", null, "role")]
    [InlineData("okname", "Good-Passw0rd!", "user", "N5", null, "accreditation_level")]
    [InlineData("okname", "Good-Passw0rd!", "user", "N1", -1L, "quota_tokens")]
    public async Task Create_WithInvalidFields_Returns400NamingTheField(string username, string password, string role, string level, long? quota, string field)
    {
        var (_, admin) = await AdminAsync();

        var response = await admin.PostAsJsonAsync("/webhook/wibot/admin/users", new { username, password, role, accreditation_level = level, quota_tokens = quota, email = "ok@widip.fr" });

        await AssertProblemAsync(response, 400);
        (await ReadJsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
        (await WithDbAsync(db => db.Users.CountAsync(u => u.Username == username))).Should().Be(0);
    }

    [Fact]
    public async Task Update_ChangesFields_RevokesTokens_AndIsAudited()
    {
        var (admin, client) = await AdminAsync();
        var tech = await CreateUserAsync("tech2", level: AccreditationLevel.N1);
        using var techClient = ClientWithToken(await LoginAsync("tech2"));

        var response = await client.PutAsJsonAsync("/webhook/wibot/admin/users", new { user_id = tech.Id, accreditation_level = "N3", quota_tokens = 90_000 });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        body.GetProperty("accreditation_level").GetString().Should().Be("N3");
        body.GetProperty("quota_tokens").GetInt64().Should().Be(90_000);
        await AssertProblemAsync(await techClient.GetAsync("/webhook/auth/me"), 401);

        var audit = await WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "admin.user.updated").SingleAsync());
        audit.ActorUserId.Should().Be(admin.Id);
        audit.Target.Should().Be("tech2");
        audit.ClientAddress.Should().Be(ClientAddress);
        audit.Details.Should().Contain("N1").And.Contain("N3").And.Contain("90000");
    }

    [Fact]
    public async Task Update_PasswordAndDeactivation_TakeEffect()
    {
        var (_, client) = await AdminAsync();
        var tech = await CreateUserAsync("tech3");

        (await client.PutAsJsonAsync("/webhook/wibot/admin/users", new { user_id = tech.Id, password = "Reset-By-Admin-9" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "tech3", password = "Reset-By-Admin-9" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var audit = await WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "admin.user.updated").Select(a => a.Details).SingleAsync());
        audit.Should().NotContain("Reset-By-Admin-9");

        (await client.PutAsJsonAsync("/webhook/wibot/admin/users", new { user_id = tech.Id, is_active = false })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Client.PostAsJsonAsync("/webhook/auth/login", new { username = "tech3", password = "Reset-By-Admin-9" })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Admin_CannotDemoteDeactivateOrDeleteThemself()
    {
        var (admin, client) = await AdminAsync();
        await CreateUserAsync("other.admin", role: UserRole.Admin);

        await AssertProblemAsync(await client.PutAsJsonAsync("/webhook/wibot/admin/users", new { user_id = admin.Id, role = "user" }), 403);
        await AssertProblemAsync(await client.PutAsJsonAsync("/webhook/wibot/admin/users", new { user_id = admin.Id, is_active = false }), 403);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/webhook/wibot/admin/users") { Content = JsonContent.Create(new { user_id = admin.Id }) };
        await AssertProblemAsync(await client.SendAsync(delete), 403);

        var stored = await WithDbAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == admin.Id));
        stored.IsAdmin.Should().BeTrue();
        stored.IsActive.Should().BeTrue();
        (await client.GetAsync("/webhook/wibot/admin/users")).StatusCode.Should().Be(HttpStatusCode.OK, "the refused changes did not revoke the admin's token");
    }

    [Fact]
    public async Task AnotherAdmin_CanBeDemoted_AndInactiveAdminsCanBeDeleted()
    {
        var (_, client) = await AdminAsync();
        var other = await CreateUserAsync("second.admin", role: UserRole.Admin);

        // Two admins: the first may demote the second...
        (await client.PutAsJsonAsync("/webhook/wibot/admin/users", new { user_id = other.Id, role = "user" })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await WithDbAsync(db => db.Users.CountAsync(u => u.Role == UserRole.Admin && u.IsActive))).Should().Be(1);

        // A deactivated admin does not count as an active one and can be deleted.
        var inactiveAdmin = await CreateUserAsync("sleeping.admin", role: UserRole.Admin, active: false);
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/webhook/wibot/admin/users") { Content = JsonContent.Create(new { user_id = inactiveAdmin.Id }) };
        (await client.SendAsync(delete)).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task TwoAdminsDemotingEachOtherAtOnce_LeaveOneActiveAdmin()
    {
        for (var round = 0; round < 5; round++)
        {
            await Factory.ResetDatabaseAsync();
            var a = await CreateUserAsync($"admin.a{round}", role: UserRole.Admin);
            var b = await CreateUserAsync($"admin.b{round}", role: UserRole.Admin);
            using var clientA = ClientWithToken(await LoginAsync(a.Username));
            using var clientB = ClientWithToken(await LoginAsync(b.Username));

            var results = await Task.WhenAll(
                clientA.PutAsJsonAsync("/webhook/wibot/admin/users", new { user_id = b.Id, role = "user" }),
                clientB.PutAsJsonAsync("/webhook/wibot/admin/users", new { user_id = a.Id, role = "user" }));

            results.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
            results.Select(r => (int)r.StatusCode).Should().Contain(c => c == 409 || c == 401, "the loser is either refused by the rule or already revoked");
            (await WithDbAsync(db => db.Users.CountAsync(u => u.Role == UserRole.Admin && u.IsActive))).Should().Be(1);
        }
    }

    [Fact]
    public async Task Delete_CascadesConversationsMessagesAndUsage()
    {
        var (_, client) = await AdminAsync();
        var tech = await CreateUserAsync("leaving");
        await SeedConversationAsync(tech.Id, "x", DateTimeOffset.UtcNow, SeedMessage.Q(Domain.Conversations.ChatMode.Flash, DateTimeOffset.UtcNow));
        await SendAsync(new GetTokenBalanceQuery(tech.Id));

        var response = await client.DeleteAsync($"/webhook/wibot/admin/users?user_id={tech.Id}");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await WithDbAsync(db => db.Conversations.CountAsync(c => c.UserId == tech.Id))).Should().Be(0);
        (await WithDbAsync(db => db.TokenUsage.CountAsync(t => t.UserId == tech.Id))).Should().Be(0);
        (await WithDbAsync(db => db.Messages.CountAsync())).Should().Be(0);
        await AssertProblemAsync(await client.DeleteAsync($"/webhook/wibot/admin/users?user_id={tech.Id}"), 404);
    }

    [Fact]
    public async Task AddTokens_RaisesThisMonth_AndTheNextMonthKeepsIt()
    {
        var (_, client) = await AdminAsync();
        var tech = await CreateUserAsync("rich");

        var response = await client.PutAsJsonAsync("/webhook/wibot/admin/users", new { user_id = tech.Id, add_tokens = 10_000 });
        (await ReadJsonAsync(response)).GetProperty("quota_tokens").GetInt64().Should().Be(60_000);
        var quota = await client.PostAsJsonAsync($"/webhook/wibot/admin/users/{tech.Id}/quota", new { add_tokens = 5_000 });
        (await ReadJsonAsync(quota)).GetProperty("quota_tokens").GetInt64().Should().Be(65_000);

        Factory.Clock.Now = DateTimeOffset.UtcNow.AddMonths(1);
        var next = await SendAsync(new GetTokenBalanceQuery(tech.Id));
        next.QuotaTokens.Should().Be(65_000);
        next.UsedTokens.Should().Be(0);
    }

    [Theory]
    [InlineData("{\"user_id\": 1, \"quota_tokens\": -5}", "quota_tokens")]
    [InlineData("{\"user_id\": 1, \"add_tokens\": -5}", "add_tokens")]
    [InlineData("{\"user_id\": 1, \"accreditation_level\": \"N9\"}", "accreditation_level")]
    [InlineData("{\"role\": \"admin\"}", "user_id")]
    public async Task Update_WithInvalidFields_Returns400(string json, string field)
    {
        var (_, client) = await AdminAsync();
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        var response = await client.PutAsync("/webhook/wibot/admin/users", content);

        await AssertProblemAsync(response, 400);
        (await ReadJsonAsync(response)).GetProperty("errors").TryGetProperty(field, out _).Should().BeTrue();
    }

    [Fact]
    public async Task Update_UnknownUser_Returns404()
    {
        var (_, client) = await AdminAsync();

        await AssertProblemAsync(await client.PutAsJsonAsync("/webhook/wibot/admin/users", new { user_id = 999_999, role = "admin" }), 404);
    }
}
