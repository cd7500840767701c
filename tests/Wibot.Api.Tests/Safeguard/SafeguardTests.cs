using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Application.Safeguard.ExpireSafeguardRequests;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Safeguard;

public sealed class SafeguardTests(WibotFactory factory) : SafeguardTestBase(factory)
{
    [Fact]
    public async Task Raise_ByAToolServer_CreatesAPendingRequestWithAReadableId()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        await CreateUserAsync("jdupont");

        var response = await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new
        {
            tool = "glpi_close_ticket", arguments = new { ticket_id = "4521", client_name = "Clinique du Parc" }, level = "L3", reason = "Ticket résolu", requested_for = "jdupont",
        });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await ReadJsonAsync(response);
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        body.GetProperty("request_id").GetString().Should().MatchRegex("^APR-\\d{3,}$");
        body.GetProperty("status").GetString().Should().Be("pending");
        body.GetProperty("level").GetString().Should().Be("L3");
        body.GetProperty("requested_by").GetString().Should().Be("mcp-ad");
        body.GetProperty("requested_for").GetString().Should().Be("jdupont");
        var expires = body.GetProperty("expires_at").GetDateTimeOffset() - body.GetProperty("created_at").GetDateTimeOffset();
        expires.Should().Be(TimeSpan.FromMinutes(45));
        body.GetProperty("arguments").GetProperty("ticket_id").GetString().Should().Be("4521");
        var second = await RaiseAsync(tool);
        string.CompareOrdinal(second, body.GetProperty("request_id").GetString()).Should().BePositive();
        (await WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "safeguard.requested"))).Should().Be(2);
    }

    [Fact]
    public async Task Matrix_EveryAccreditationAndLevel_ApproveAndReject()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        var clients = new Dictionary<AccreditationLevel, HttpClient>();
        foreach (var level in Enum.GetValues<AccreditationLevel>())
        {
            await CreateUserAsync($"tech.{level}", level: level);
            clients[level] = ClientWithToken(await LoginAsync($"tech.{level}"));
        }

        foreach (var accreditation in Enum.GetValues<AccreditationLevel>())
        {
            for (var j = 1; j <= 4; j++)
            {
                var allowed = accreditation != AccreditationLevel.N0 && (int)accreditation >= j;
                foreach (var verb in new[] { "approve", "reject" })
                {
                    var id = await RaiseAsync(tool, $"L{j}");
                    var response = await clients[accreditation].PostAsJsonAsync($"/webhook/wibot/safeguard/{verb}", new { request_id = id, comment = "vu" });
                    ((int)response.StatusCode).Should().Be(allowed ? 200 : 403, $"{accreditation} {verb} L{j}");
                    if (allowed)
                    {
                        // An L4 approval is the first of the two it needs (the two-person rule; TwoPersonRuleTests).
                        (await ReadJsonAsync(response)).GetProperty("status").GetString().Should().Be(verb == "approve" ? (j == 4 ? "pending" : "approved") : "rejected");
                    }
                }
            }
        }

        foreach (var c in clients.Values)
        {
            c.Dispose();
        }
    }

    [Fact]
    public async Task List_ShowsCanDecidePerCaller_MasksSecrets_AndCarriesTheLegacyFields()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        var id = await RaiseAsync(tool, "L2", arguments: new { user = "jdupont", new_password = "S3cret!", nested = new { api_token = "abc" } });
        await CreateUserAsync("reader", level: AccreditationLevel.N0);
        await CreateUserAsync("senior", level: AccreditationLevel.N2);
        using var reader = ClientWithToken(await LoginAsync("reader"));
        using var senior = ClientWithToken(await LoginAsync("senior"));

        var asReader = await ReadJsonAsync(await reader.GetAsync("/webhook/wibot/safeguard/requests"));
        var asSenior = await ReadJsonAsync(await senior.GetAsync("/webhook/wibot/safeguard/requests?status=pending"));

        asReader.GetProperty("success").GetBoolean().Should().BeTrue();
        asReader.GetProperty("total").GetInt32().Should().Be(1);
        var item = asReader.GetProperty("requests")[0];
        item.GetProperty("can_decide").GetBoolean().Should().BeFalse();
        asSenior.GetProperty("requests")[0].GetProperty("can_decide").GetBoolean().Should().BeTrue();
        item.GetProperty("arguments").GetProperty("user").GetString().Should().Be("jdupont");
        item.GetProperty("arguments").GetProperty("new_password").GetString().Should().Be("***");
        item.GetProperty("arguments").GetProperty("nested").GetProperty("api_token").GetString().Should().Be("***");
        item.GetProperty("approval_id").GetString().Should().Be(id);
        item.GetProperty("tool_name").GetString().Should().Be("ad_reset_password");
        item.GetProperty("security_level").GetString().Should().Be("L2");
        item.GetProperty("time_remaining_seconds").GetInt64().Should().BeInRange(44 * 60, 45 * 60);
        item.GetProperty("context").GetProperty("description").GetString().Should().Be("Mot de passe oublié, ticket #4521");
        item.GetProperty("context").GetProperty("ticket_id").ValueKind.Should().Be(JsonValueKind.Null);

        // The tool server reads its own request's arguments as it sent them.
        var own = await ReadJsonAsync(await tool.GetAsync($"/webhook/wibot/safeguard/requests/{id}"));
        own.GetProperty("arguments").GetProperty("new_password").GetString().Should().Be("S3cret!");
        var audit = await WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == "safeguard.requested").Select(a => a.Details).SingleAsync());
        audit.Should().NotContain("S3cret!").And.NotContain("abc");

        await AssertProblemAsync(await reader.GetAsync("/webhook/wibot/safeguard/requests?status=bogus"), 400);
    }

    [Fact]
    public async Task Decide_OnYourOwnBehalf_IsRefused_AndSomeoneElseMayDecide()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        await CreateUserAsync("jdupont", level: AccreditationLevel.N4);
        await CreateUserAsync("collegue", level: AccreditationLevel.N4);
        using var self = ClientWithToken(await LoginAsync("jdupont"));
        using var other = ClientWithToken(await LoginAsync("collegue"));
        var id = await RaiseAsync(tool, "L1", requestedFor: "jdupont");

        var list = await ReadJsonAsync(await self.GetAsync("/webhook/wibot/safeguard/requests"));
        list.GetProperty("requests")[0].GetProperty("can_decide").GetBoolean().Should().BeFalse();
        await AssertProblemAsync(await self.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id }), 403);
        await AssertProblemAsync(await self.PostAsJsonAsync("/webhook/wibot/safeguard/reject", new { request_id = id, comment = "non" }), 403);
        (await other.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id })).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Decide_Twice_Is409_AndUnknownRequestsAre404()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        var id = await RaiseAsync(tool, "L1");

        (await admin.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id, comment = "ok" })).StatusCode.Should().Be(HttpStatusCode.OK);
        await AssertProblemAsync(await admin.PostAsJsonAsync("/webhook/wibot/safeguard/reject", new { request_id = id, comment = "trop tard" }), 409);
        await AssertProblemAsync(await admin.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = "APR-999999" }), 404);
        await AssertProblemAsync(await admin.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = "nimporte" }), 404);
        await AssertProblemAsync(await tool.GetAsync("/webhook/wibot/safeguard/requests/APR-424242"), 404);
    }

    [Fact]
    public async Task Reject_RequiresAComment_ExceptTheLegacyApprovalIdWithAnEmptyOne()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        var a = await RaiseAsync(tool, "L1");
        var b = await RaiseAsync(tool, "L1");

        var missing = await admin.PostAsJsonAsync("/webhook/wibot/safeguard/reject", new { request_id = a, comment = "" });
        await AssertProblemAsync(missing, 400);
        (await ReadJsonAsync(missing)).GetProperty("errors").TryGetProperty("comment", out _).Should().BeTrue();

        var legacy = await admin.PostAsJsonAsync("/webhook/wibot/safeguard/reject", new { approval_id = b, comment = "" });
        legacy.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(legacy);
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        body.GetProperty("approval_id").GetString().Should().Be(b);
        body.GetProperty("status").GetString().Should().Be("rejected");
        body.GetProperty("message").GetString().Should().Contain("refusée");
        body.GetProperty("comment").ValueKind.Should().Be(JsonValueKind.Null);

        var legacyApprove = await admin.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { approval_id = a, comment = "" });
        legacyApprove.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(legacyApprove)).GetProperty("message").GetString().Should().Contain("approuvée");
    }

    [Fact]
    public async Task Raise_WithInvalidInput_Is400_AndBadOrRevokedKeysAre401()
    {
        using var admin = await AdminClientAsync();
        var (tool, keyId, _) = await ToolServerAsync(admin);

        await AssertProblemAsync(await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "x", arguments = new { }, level = "L5", reason = "r" }), 400);
        await AssertProblemAsync(await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "x", arguments = new[] { 1, 2 }, level = "L1", reason = "r" }), 400);
        await AssertProblemAsync(await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "x", arguments = "texte", level = "L1", reason = "r" }), 400);
        await AssertProblemAsync(await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "x", arguments = new { }, level = "L1" }), 400);
        await AssertProblemAsync(await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "x", arguments = new { }, level = "L1", reason = "r", ttl_seconds = 5 }), 400);

        using var forged = WithAddress(Factory.CreateClient(), NewClientAddress());
        forged.DefaultRequestHeaders.Add("X-Api-Key", "wbk_not-a-real-key");
        await AssertProblemAsync(await forged.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "x", arguments = new { }, level = "L1", reason = "r" }), 401);
        using var anonymous = WithAddress(Factory.CreateClient(), NewClientAddress());
        await AssertProblemAsync(await anonymous.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "x", arguments = new { }, level = "L1", reason = "r" }), 401);

        (await admin.DeleteAsync($"/webhook/wibot/admin/api-keys/{keyId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        await AssertProblemAsync(await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "x", arguments = new { }, level = "L1", reason = "r" }), 401);
    }

    [Fact]
    public async Task ApiKeys_AreShownOnce_StoredHashed_AndNamesAreUniqueAmongActiveKeys()
    {
        using var admin = await AdminClientAsync();
        var (_, keyId, key) = await ToolServerAsync(admin, "mcp-glpi");

        var list = await ReadJsonAsync(await admin.GetAsync("/webhook/wibot/admin/api-keys"));
        list.GetProperty("success").GetBoolean().Should().BeTrue();
        list.GetRawText().Should().NotContain(key);
        list.GetProperty("api_keys")[0].GetProperty("name").GetString().Should().Be("mcp-glpi");
        (await WithDbAsync(db => db.ApiKeys.AsNoTracking().Select(k => k.KeyHash).SingleAsync())).Should().NotBe(key).And.HaveLength(64);
        await AssertProblemAsync(await admin.PostAsJsonAsync("/webhook/wibot/admin/api-keys", new { name = "mcp-glpi" }), 409);

        (await admin.DeleteAsync($"/webhook/wibot/admin/api-keys/{keyId}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await admin.PostAsJsonAsync("/webhook/wibot/admin/api-keys", new { name = "mcp-glpi" })).StatusCode.Should().Be(HttpStatusCode.Created, "a revoked key's name can be reused");

        await CreateUserAsync("not.admin");
        using var user = ClientWithToken(await LoginAsync("not.admin"));
        await AssertProblemAsync(await user.GetAsync("/webhook/wibot/admin/api-keys"), 403);
        await AssertProblemAsync(await user.PostAsJsonAsync("/webhook/wibot/admin/api-keys", new { name = "x" }), 403);
    }

    [Fact]
    public async Task TwentyConcurrentDecisions_ExactlyOneWins_AndOneDecisionIsAudited()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        var clients = new List<HttpClient>();
        for (var i = 0; i < 4; i++)
        {
            await CreateUserAsync($"n4.{i}", level: AccreditationLevel.N4);
            clients.Add(ClientWithToken(await LoginAsync($"n4.{i}")));
        }

        for (var round = 0; round < 3; round++)
        {
            // L3: one decision closes it (the two-person L4 under concurrency is in TwoPersonRuleTests).
            var id = await RaiseAsync(tool, "L3");
            var calls = Enumerable.Range(0, 20).Select(i => i % 2 == 0
                ? clients[i % 4].PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id, comment = $"a{i}" })
                : clients[i % 4].PostAsJsonAsync("/webhook/wibot/safeguard/reject", new { request_id = id, comment = $"r{i}" }));

            var responses = await Task.WhenAll(calls);

            responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(1);
            responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).Should().Be(19);
            (await WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Target == id && (a.Action == "safeguard.approved" || a.Action == "safeguard.rejected")))).Should().Be(1);
        }

        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Expiry_WithAFakeClock_BlocksDecisions_IsMarkedByTheJob_AndAnswersTheLongPoll()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        var id = await RaiseAsync(tool, "L1", ttlSeconds: 60);

        Factory.Clock.Now = DateTimeOffset.UtcNow.AddMinutes(2);
        await AssertProblemAsync(await admin.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id }), 409);
        var polled = await ReadJsonAsync(await tool.GetAsync($"/webhook/wibot/safeguard/requests/{id}?wait=20"));
        polled.GetProperty("status").GetString().Should().Be("expired", "an expired request reads as expired before any job marks it");
        var pending = await ReadJsonAsync(await admin.GetAsync("/webhook/wibot/safeguard/requests"));
        pending.GetProperty("requests").GetArrayLength().Should().Be(0);

        (await SendAsync(new ExpireSafeguardRequestsCommand())).Should().Be(1);

        var stored = await WithDbAsync(db => db.SafeguardRequests.AsNoTracking().SingleAsync());
        stored.Status.Should().Be(Domain.Safeguard.SafeguardStatus.Expired);
        (await WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "safeguard.expired" && a.Target == id))).Should().Be(1);
        var expiredList = await ReadJsonAsync(await admin.GetAsync("/webhook/wibot/safeguard/requests?status=expired"));
        expiredList.GetProperty("requests").GetArrayLength().Should().Be(1);
        (await SendAsync(new ExpireSafeguardRequestsCommand())).Should().Be(0);
    }

    [Fact]
    public async Task LongPoll_IsAnsweredWhenTheDecisionIsTaken()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        var id = await RaiseAsync(tool, "L1");

        var poll = tool.GetAsync($"/webhook/wibot/safeguard/requests/{id}?wait=30");
        await Task.Delay(300);
        poll.IsCompleted.Should().BeFalse("the request is still pending");
        (await admin.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id, comment = "go" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var decidedAt = DateTime.UtcNow;

        var answer = await poll;
        (DateTime.UtcNow - decidedAt).Should().BeLessThan(TimeSpan.FromSeconds(1));
        var body = await ReadJsonAsync(answer);
        body.GetProperty("status").GetString().Should().Be("approved");
        body.GetProperty("decided_by").GetString().Should().Be("sg.admin");
        body.GetProperty("comment").GetString().Should().Be("go");
    }

    [Fact]
    public async Task LongPoll_IsReleasedByADecisionTakenOnASecondInstance()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        var id = await RaiseAsync(tool, "L1");
        await using var second = new SecondInstanceFactory(Factory.ConnectionString);
        second.UseKestrel(0);
        second.StartServer();
        using var adminOnSecond = second.CreateClient();
        adminOnSecond.DefaultRequestHeaders.Authorization = admin.DefaultRequestHeaders.Authorization;

        var poll = tool.GetAsync($"/webhook/wibot/safeguard/requests/{id}?wait=30");
        await Task.Delay(300);
        (await adminOnSecond.PostAsJsonAsync("/webhook/wibot/safeguard/reject", new { request_id = id, comment = "non" })).StatusCode.Should().Be(HttpStatusCode.OK);
        var decidedAt = DateTime.UtcNow;

        var answer = await poll;
        (DateTime.UtcNow - decidedAt).Should().BeLessThan(TimeSpan.FromSeconds(1));
        (await ReadJsonAsync(answer)).GetProperty("status").GetString().Should().Be("rejected");
    }

    [Fact]
    public async Task LiveEvents_TellConnectedTechniciansOfCreationsAndDecisions()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/webhook/wibot/safeguard/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var response = await admin.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        await reader.ReadLineAsync(cts.Token); // ": connected"

        var id = await RaiseAsync(tool, "L1");
        await admin.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id });

        var lines = new List<string>();
        while (lines.Count < 4)
        {
            var line = await reader.ReadLineAsync(cts.Token);
            if (!string.IsNullOrEmpty(line) && !line.StartsWith(':'))
            {
                lines.Add(line);
            }
        }

        lines.Should().Equal(
            "event: created", $"data: {{\"request_id\":\"{id}\",\"status\":\"pending\"}}",
            "event: decided", $"data: {{\"request_id\":\"{id}\",\"status\":\"approved\"}}");
    }
}
