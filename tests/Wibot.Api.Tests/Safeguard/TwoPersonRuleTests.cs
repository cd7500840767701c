using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Safeguard;

/// <summary>
/// The two-person rule (L4 needs two distinct eligible approvers by default), WIBOT's minimum level per
/// tool, and the tool server's context, as safeguard-team.md specifies them.
/// </summary>
public sealed class TwoPersonRuleTests(WibotFactory factory) : SafeguardTestBase(factory)
{
    private async Task<HttpClient> TechAsync(string name, AccreditationLevel level)
    {
        await CreateUserAsync(name, level: level);
        return ClientWithToken(await LoginAsync(name));
    }

    [Fact]
    public async Task AnL4Request_StaysPendingAfterOneApproval_RefusesTheSamePersonTwice_AndIsApprovedByASecond()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        using var first = await TechAsync("n4.first", AccreditationLevel.N4);
        using var second = await TechAsync("n4.second", AccreditationLevel.N4);
        var id = await RaiseAsync(tool, "L4");

        var raised = await ReadJsonAsync(await first.GetAsync($"/webhook/wibot/safeguard/requests/{id}"));
        raised.GetProperty("approvals_required").GetInt32().Should().Be(2);
        raised.GetProperty("approvals").GetArrayLength().Should().Be(0);

        var once = await first.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id, comment = "Vu avec la clinique" });
        once.StatusCode.Should().Be(HttpStatusCode.OK);
        var half = await ReadJsonAsync(once);
        half.GetProperty("status").GetString().Should().Be("pending");
        half.GetProperty("can_decide").GetBoolean().Should().BeFalse("who has approved cannot approve again");
        half.GetProperty("approvals").EnumerateArray().Select(a => a.GetProperty("by").GetString()).Should().Equal("n4.first");
        half.GetProperty("approvals")[0].GetProperty("comment").GetString().Should().Be("Vu avec la clinique");
        half.GetProperty("decided_by").ValueKind.Should().Be(JsonValueKind.Null);
        half.GetProperty("message").GetString().Should().Contain("1/2");
        (await ReadJsonAsync(await second.GetAsync($"/webhook/wibot/safeguard/requests/{id}"))).GetProperty("can_decide").GetBoolean().Should().BeTrue();

        await AssertProblemAsync(await first.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id }), 409);

        var closed = await ReadJsonAsync(await second.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id, comment = "OK" }));
        closed.GetProperty("status").GetString().Should().Be("approved");
        closed.GetProperty("decided_by").GetString().Should().Be("n4.second");
        closed.GetProperty("approvals").EnumerateArray().Select(a => a.GetProperty("by").GetString()).Should().Equal("n4.first", "n4.second");
        var polled = await ReadJsonAsync(await tool.GetAsync($"/webhook/wibot/safeguard/requests/{id}"));
        polled.GetProperty("status").GetString().Should().Be("approved");
        polled.GetProperty("approvals").GetArrayLength().Should().Be(2);
        (await WithDbAsync(db => db.AuditEntries.Where(a => a.Target == id && a.Action.StartsWith("safeguard.")).OrderBy(a => a.Id).Select(a => a.Action + " " + a.ActorName).ToListAsync()))
            .Should().Equal("safeguard.requested mcp-ad", "safeguard.approval_added n4.first", "safeguard.approved n4.second");
    }

    [Fact]
    public async Task ARejectionAfterOneApproval_RejectsAtOnce_AndLevelsBelowL4NeedOneApproval()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        using var first = await TechAsync("n4.a", AccreditationLevel.N4);
        using var second = await TechAsync("n3.b", AccreditationLevel.N3);
        using var third = await TechAsync("n4.c", AccreditationLevel.N4);

        var id = await RaiseAsync(tool, "L4");
        (await first.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id })).StatusCode.Should().Be(HttpStatusCode.OK);
        await AssertProblemAsync(await second.PostAsJsonAsync("/webhook/wibot/safeguard/reject", new { request_id = id, comment = "non" }), 403);
        var rejected = await ReadJsonAsync(await third.PostAsJsonAsync("/webhook/wibot/safeguard/reject", new { request_id = id, comment = "Pas de ticket" }));
        rejected.GetProperty("status").GetString().Should().Be("rejected");
        rejected.GetProperty("decided_by").GetString().Should().Be("n4.c");
        await AssertProblemAsync(await first.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id }), 409);

        var l3 = await RaiseAsync(tool, "L3");
        var single = await ReadJsonAsync(await second.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = l3 }));
        single.GetProperty("status").GetString().Should().Be("approved");
        single.GetProperty("approvals_required").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task TheRequesterNeverCounts_AsOneOfTheTwo()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        using var requester = await TechAsync("n4.requester", AccreditationLevel.N4);
        using var other = await TechAsync("n4.other", AccreditationLevel.N4);
        var id = await RaiseAsync(tool, "L4", requestedFor: "n4.requester");

        await AssertProblemAsync(await requester.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id }), 403);
        var half = await ReadJsonAsync(await other.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id }));
        half.GetProperty("status").GetString().Should().Be("pending");
        half.GetProperty("approvals").GetArrayLength().Should().Be(1);
    }

    [Fact]
    public async Task TwentyConcurrentApprovals_CountExactlyTwo_OneOfThemClosing()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        var clients = new List<HttpClient>();
        for (var i = 0; i < 4; i++)
        {
            clients.Add(await TechAsync($"n4.c{i}", AccreditationLevel.N4));
        }

        for (var round = 0; round < 3; round++)
        {
            var id = await RaiseAsync(tool, "L4");
            var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
                clients[i % 4].PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id, comment = $"a{i}" })));

            responses.Count(r => r.StatusCode == HttpStatusCode.OK).Should().Be(2, "exactly the two approvals needed are counted");
            responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).Should().Be(18);
            var request = await ReadJsonAsync(await tool.GetAsync($"/webhook/wibot/safeguard/requests/{id}"));
            request.GetProperty("status").GetString().Should().Be("approved");
            var by = request.GetProperty("approvals").EnumerateArray().Select(a => a.GetProperty("by").GetString()).ToList();
            by.Should().HaveCount(2).And.OnlyHaveUniqueItems();
            request.GetProperty("decided_by").GetString().Should().Be(by[1]);
            (await WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Target == id && a.Action == "safeguard.approved"))).Should().Be(1);
            (await WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Target == id && a.Action == "safeguard.approval_added"))).Should().Be(1);
        }

        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task ARequestBelowItsToolsMinimum_IsRaisedAtTheMinimum_KeepingTheServersReason_AndTheContextIsReturned()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        var response = await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new
        {
            tool = "ad_disable_account",
            arguments = new { username = "jdupont" },
            level = "L1",
            reason = "Départ du salarié",
            context = new { ticket_id = 4521, client_name = "EHPAD Les Tilleuls", description = "Compte à fermer ce soir" },
        });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var body = await ReadJsonAsync(response);
        body.GetProperty("level").GetString().Should().Be("L4");
        body.GetProperty("level_raised_from").GetString().Should().Be("L1");
        body.GetProperty("reason").GetString().Should().Be("Départ du salarié");
        body.GetProperty("approvals_required").GetInt32().Should().Be(2, "the raised level's rule applies");
        body.GetProperty("context").GetProperty("ticket_id").GetInt32().Should().Be(4521);
        body.GetProperty("context").GetProperty("client_name").GetString().Should().Be("EHPAD Les Tilleuls");
        body.GetProperty("context").GetProperty("description").GetString().Should().Be("Compte à fermer ce soir");

        using var n3 = await TechAsync("n3.min", AccreditationLevel.N3);
        await AssertProblemAsync(await n3.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = body.GetProperty("request_id").GetString() }), 403);

        var above = await ReadJsonAsync(await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "glpi_close_ticket", arguments = new { ticket_id = 1 }, level = "L2", reason = "r" }));
        above.GetProperty("level").GetString().Should().Be("L2", "a tool without a minimum keeps its level");
        above.GetProperty("level_raised_from").ValueKind.Should().Be(JsonValueKind.Null);

        await AssertProblemAsync(await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "t", arguments = new { }, level = "L1", reason = "r", context = "texte" }), 400);
    }

    [Fact]
    public async Task TheN8nEraClient_ApprovingAnL4Once_GetsSuccess_WithTheRequestStillPending_AndWhyInTheMessage()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);
        using var n4 = await TechAsync("n4.legacy", AccreditationLevel.N4);
        var id = await RaiseAsync(tool, "L4");

        var response = await n4.PostAsync("/webhook/wibot/safeguard/approve",
            new StringContent($$"""{"approval_id":"{{id}}","comment":""}""", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        body.GetProperty("status").GetString().Should().Be("pending");
        body.GetProperty("message").GetString().Should().Contain("autre approbation");
    }
}
