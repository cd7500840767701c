using System.Net;
using System.Net.Http.Json;
using Wibot.Api.Tests.Infrastructure;

namespace Wibot.Api.Tests.Safeguard;

/// <summary>
/// The n8n-era client checks <c>success</c> on every successful answer; the same record is a whole
/// answer and a list item, and only the whole answer carries the envelope.
/// </summary>
public sealed class SuccessEnvelopeTests(WibotFactory factory) : SafeguardTestBase(factory)
{
    [Fact]
    public async Task ASafeguardRequest_CarriesSuccessFirst_AsAnAnswer_ButNotAsAnItemOfTheQueue()
    {
        using var admin = await AdminClientAsync();
        var (tool, _, _) = await ToolServerAsync(admin);

        var raised = await tool.PostAsJsonAsync("/webhook/wibot/safeguard/requests", new { tool = "glpi_close_ticket", arguments = new { ticket_id = 4521 }, level = "L1", reason = "Ticket résolu" });
        raised.StatusCode.Should().Be(HttpStatusCode.Created);
        var answer = await ReadJsonAsync(raised);
        answer.EnumerateObject().First().Name.Should().Be("success");
        answer.GetProperty("success").GetBoolean().Should().BeTrue();
        answer.TryGetProperty("message", out _).Should().BeFalse("only a decision's answer says a sentence");
        var id = answer.GetProperty("request_id").GetString();

        var queue = await ReadJsonAsync(await admin.GetAsync("/webhook/wibot/safeguard/requests?status=pending"));
        queue.EnumerateObject().First().Name.Should().Be("success");
        var item = queue.GetProperty("requests").EnumerateArray().Single(r => r.GetProperty("request_id").GetString() == id);
        item.TryGetProperty("success", out _).Should().BeFalse();
        item.TryGetProperty("message", out _).Should().BeFalse();
        item.EnumerateObject().Select(p => p.Name).Should().Equal(answer.EnumerateObject().Skip(1).Select(p => p.Name), "one record, one shape");

        var approved = await admin.PostAsJsonAsync("/webhook/wibot/safeguard/approve", new { request_id = id, comment = "OK" });
        approved.StatusCode.Should().Be(HttpStatusCode.OK);
        var decision = await ReadJsonAsync(approved);
        decision.EnumerateObject().First().Name.Should().Be("success");
        decision.GetProperty("status").GetString().Should().Be("approved");
        decision.GetProperty("message").GetString().Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task AnAdminUser_IsEnvelopedAlone_NotInTheList_AndErrorsAreProblemsWithoutIt()
    {
        using var admin = await AdminClientAsync();
        var created = await admin.PostAsJsonAsync("/webhook/wibot/admin/users", new { username = "env.user", password = "Correct-Horse-9", role = "user", accreditation_level = "N1" });
        created.IsSuccessStatusCode.Should().BeTrue();
        var user = await ReadJsonAsync(created);
        user.EnumerateObject().First().Name.Should().Be("success");

        var list = await ReadJsonAsync(await admin.GetAsync("/webhook/wibot/admin/users"));
        list.GetProperty("users").EnumerateArray().Select(u => u.TryGetProperty("success", out var _)).Should().NotContain(true);

        var refused = await admin.PostAsJsonAsync("/webhook/wibot/admin/users", new { username = "env.user", password = "Correct-Horse-9", role = "user", accreditation_level = "N1" });
        refused.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await ReadJsonAsync(refused)).TryGetProperty("success", out _).Should().BeFalse();
    }
}
