using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Safeguard;

/// <summary>Who may read a request and on whose behalf it is raised.</summary>
public sealed class SafeguardScopeTests(WibotFactory factory) : SafeguardTestBase(factory)
{
    [Fact]
    public async Task AToolServerKey_ReadsOnlyTheRequestsItRaised_OthersAre404_EvenWithALongPoll()
    {
        using var admin = await AdminClientAsync();
        var (ad, _, _) = await ToolServerAsync(admin, "mcp-ad");
        var (glpi, _, _) = await ToolServerAsync(admin, "mcp-glpi");
        var id = await RaiseAsync(ad, "L2", arguments: new { user = "jdupont", new_password = "S3cret!" });

        var own = await ad.GetAsync($"/webhook/wibot/safeguard/requests/{id}");
        own.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(own)).GetProperty("request_id").GetString().Should().Be(id);

        var watch = Stopwatch.StartNew();
        var other = await glpi.GetAsync($"/webhook/wibot/safeguard/requests/{id}?wait=5");
        await AssertProblemAsync(other, 404);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(4), "a request that is not the key's is refused before any wait");
        (await other.Content.ReadAsStringAsync()).Should().NotContain("S3cret!").And.NotContain("jdupont");

        // A technician still reads it (masked), and an id that does not exist is the same 404 for the other key.
        await CreateUserAsync("tech.n2", level: AccreditationLevel.N2);
        using var tech = ClientWithToken(await LoginAsync("tech.n2"));
        (await tech.GetAsync($"/webhook/wibot/safeguard/requests/{id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        await AssertProblemAsync(await glpi.GetAsync("/webhook/wibot/safeguard/requests/APR-999999"), 404);
    }

    [Fact]
    public async Task AKeyRevokedAndReissuedUnderTheSameName_DoesNotInheritTheOldKeysRequests()
    {
        using var admin = await AdminClientAsync();
        var (first, keyId, _) = await ToolServerAsync(admin, "mcp-ad");
        var id = await RaiseAsync(first);
        (await admin.DeleteAsync($"/webhook/wibot/admin/api-keys/{keyId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        var (second, _, _) = await ToolServerAsync(admin, "mcp-ad");

        await AssertProblemAsync(await second.GetAsync($"/webhook/wibot/safeguard/requests/{id}"), 404);
    }

    [Fact]
    public async Task RequestedFor_IsResolvedToAUser_UnknownNamesAre400_AndNothingIsStored()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);

        var unknown = await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new
        {
            tool = "ad_reset_password", arguments = new { user = "x" }, level = "L1", reason = "r", requested_for = "personne",
        });

        await AssertProblemAsync(unknown, 400);
        (await ReadJsonAsync(unknown)).GetProperty("errors").TryGetProperty("requested_for", out _).Should().BeTrue();
        (await WithDbAsync(db => db.SafeguardRequests.CountAsync())).Should().Be(0);

        var jdupont = await CreateUserAsync("jdupont", level: AccreditationLevel.N4);
        var id = await RaiseAsync(tool, "L1", requestedFor: "jdupont");
        var stored = await WithDbAsync(db => db.SafeguardRequests.AsNoTracking().SingleAsync());
        stored.RequestedForId.Should().Be(jdupont.Id);

        using var self = ClientWithToken(await LoginAsync("jdupont"));
        await AssertProblemAsync(await self.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id }), 403);
    }

    [Fact]
    public async Task SecretArguments_InFrenchAndEnglish_AndDeclaredOnes_AreMaskedForTechnicians_AndInTheAudit()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        var raised = await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new
        {
            tool = "ad_reset_password",
            arguments = new
            {
                user = "jdupont", mot_de_passe = "Val-1", mdp = "Val-2", Passphrase = "Val-3", PIN = "Val-4", secret_key = "Val-5",
                nested = new { motDePasse = "Val-6", items = new[] { new { api_token = "Val-7" } } }, numero_badge = "Val-8", ping = "pong",
            },
            level = "L2",
            reason = "r",
            secret_arguments = new[] { "numero_badge" },
        });
        raised.EnsureSuccessStatusCode();
        await CreateUserAsync("viewer.n0", level: AccreditationLevel.N0);
        using var viewer = ClientWithToken(await LoginAsync("viewer.n0"));

        var list = await (await viewer.GetAsync("/webhook/wibot/safeguard/requests")).Content.ReadAsStringAsync();
        var audit = string.Join('\n', (await WithDbAsync(db => db.AuditEntries.Select(a => a.Details).ToListAsync())).Where(d => d is not null));

        foreach (var text in new[] { list, audit })
        {
            for (var i = 1; i <= 8; i++)
            {
                text.Should().NotContain($"Val-{i}");
            }

            text.Should().Contain("jdupont").And.Contain("pong").And.Contain("***");
        }
    }
}
