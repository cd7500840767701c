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
