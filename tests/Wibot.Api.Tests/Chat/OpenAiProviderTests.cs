using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Fakes;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Conversations;

namespace Wibot.Api.Tests.Chat;

[Collection(OpenAiCollection.Name)]
public sealed class OpenAiProviderTests(OpenAiWibotFactory factory) : ChatTestBase(factory)
{
    [Theory]
    [InlineData("flash")]
    [InlineData("code")]
    [InlineData("redaction")]
    public async Task Chat_ThroughAnOpenAiCompatibleServer_RoundTrips(string mode)
    {
        var (user, client) = await TechAsync();
        Factory.Model.Enqueue(new FakeBehavior.Reply("Réponse Mistral", InputTokens: 111, OutputTokens: 22));

        var response = await ChatAsync(client, new { message = "Bonjour", mode });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await ReadJsonAsync(response);
        body.GetProperty("response").GetString().Should().Be("Réponse Mistral");
        body.GetProperty("tokens_used").GetInt64().Should().Be(133);
        var request = Factory.Model.Requests.Single();
        request.Protocol.Should().Be("openai");
        request.Model.Should().Be("mistral-small-test", "Claude model names are replaced by the server's model");
        request.System.Should().Contain("WIDIP");
        (await UsedTokensAsync(user.Id)).Should().Be(133);
    }

    [Fact]
    public async Task ToolCalls_ThroughAnOpenAiCompatibleServer_RunAnL0AndRaiseAnL3ForApproval()
    {
        await CreateUserAsync("oa.admin", role: Domain.Users.UserRole.Admin, level: Domain.Users.AccreditationLevel.N4);
        using var admin = ClientWithToken(await LoginAsync("oa.admin"));
        var server = await ReadJsonAsync(await admin.PostAsJsonAsync("/webhook/wibot/admin/mcp-servers", new
        {
            name = "mcp-ad",
            url = Factory.ToolServer.Url,
            headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {FakeToolServer.Secret}" },
        }));
        var serverId = server.GetProperty("server_id").GetGuid();
        (await admin.PutAsJsonAsync($"/webhook/wibot/admin/mcp-servers/{serverId}/tools/ad_get_user_info", new { level = "L0" })).EnsureSuccessStatusCode();
        var (_, client) = await TechAsync("oa.tech");
        Factory.Model.Enqueue(
            new FakeBehavior.UseTool("mcp-ad__ad_get_user_info", new { username = "jdupont" }, null, 90, 12),
            new FakeBehavior.Reply("jdupont est actif.", 120, 6),
            new FakeBehavior.UseTool("mcp-ad__ad_disable_account", new { username = "jdupont" }, "Je désactive le compte.", 80, 10));

        var read = await ReadJsonAsync(await ChatAsync(client, new { message = "jdupont est-il actif ?", mode = "flash" }));
        using var stream = new HttpRequestMessage(HttpMethod.Post, "/webhook/wibot/chat")
        {
            Content = JsonContent.Create(new { conversation_id = read.GetProperty("conversation_id").GetGuid(), message = "Désactive-le", mode = "flash" }),
        };
        stream.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var streamed = await client.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead);
        var events = ParseSse(await streamed.Content.ReadAsStringAsync());

        read.GetProperty("response").GetString().Should().Be("jdupont est actif.");
        read.GetProperty("tool_calls")[0].GetProperty("status").GetString().Should().Be("succeeded");
        Factory.Model.Requests[1].Messages.Should().Contain(m => m.Content.Contains("tool_result: jdupont: compte actif"));
        var pending = events.Single(e => e.Event == "tool_call").Data;
        pending.GetProperty("tool").GetString().Should().Be("ad_disable_account");
        pending.GetProperty("level").GetString().Should().Be("L4", "a tool nobody classified needs the strictest approval");
        pending.GetProperty("status").GetString().Should().Be("pending_approval");
        Factory.ToolServer.Calls.Should().ContainSingle(c => c.Tool == "ad_get_user_info");
    }

    [Fact]
    public async Task Stream_ThroughAnOpenAiCompatibleServer_StoresTheAnswerAndUsage()
    {
        var (user, client) = await TechAsync();
        Factory.Model.Enqueue(new FakeBehavior.Reply("Bonjour depuis vLLM", InputTokens: 40, OutputTokens: 8, Chunks: 3));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhook/wibot/chat") { Content = JsonContent.Create(new { message = "Salut", mode = "flash" }) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request);

        var events = ParseSse(await response.Content.ReadAsStringAsync());
        events.Select(e => e.Event).Distinct().Should().Equal("meta", "delta", "sources", "done");
        string.Concat(events.Where(e => e.Event == "delta").Select(e => e.Data.GetProperty("text").GetString())).Should().Be("Bonjour depuis vLLM");
        events[^1].Data.GetProperty("tokens_used").GetInt64().Should().Be(48);
        var answer = await WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.Role == MessageRole.Assistant));
        answer.Content.Should().Be("Bonjour depuis vLLM");
        (await UsedTokensAsync(user.Id)).Should().Be(48);
    }

    [Fact]
    public async Task Chat_OpenAiErrors_AreRetriedThenReported()
    {
        var (user, client) = await TechAsync();
        Factory.Model.Enqueue(new FakeBehavior.Fail(503), new FakeBehavior.Fail(503), new FakeBehavior.Fail(503));

        var response = await ChatAsync(client, new { message = "Bonjour", mode = "flash" });

        await AssertProblemAsync(response, 503);
        Factory.Model.Attempts.Should().Be(3);
        (await UsedTokensAsync(user.Id)).Should().Be(0);
    }
}
