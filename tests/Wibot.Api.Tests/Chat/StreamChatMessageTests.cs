using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Fakes;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Conversations;

namespace Wibot.Api.Tests.Chat;

public sealed class StreamChatMessageTests(WibotFactory factory) : ChatTestBase(factory)
{
    private static HttpRequestMessage StreamRequest(object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhook/wibot/chat") { Content = JsonContent.Create(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    [Fact]
    public async Task Stream_SendsMetaDeltasSourcesDone_InOrder_AndStoresTheConcatenatedAnswer()
    {
        var (user, client) = await TechAsync();
        Factory.Model.Enqueue(new FakeBehavior.Reply("Voici la procédure : arrêtez le service, videz la file, relancez.", InputTokens: 200, OutputTokens: 30, Chunks: 6));

        using var request = StreamRequest(new { message = "File d'impression bloquée", mode = "redaction" });
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var events = ParseSse(await response.Content.ReadAsStringAsync());
        events.Select(e => e.Event).Distinct().Should().Equal("meta", "delta", "sources", "done");
        events.First().Event.Should().Be("meta");
        events.Count(e => e.Event == "delta").Should().Be(6);
        var text = string.Concat(events.Where(e => e.Event == "delta").Select(e => e.Data.GetProperty("text").GetString()));
        text.Should().Be("Voici la procédure : arrêtez le service, videz la file, relancez.");
        var meta = events[0].Data;
        var done = events[^1].Data;
        done.GetProperty("tokens_used").GetInt64().Should().Be(230);
        done.GetProperty("tokens_remaining").GetInt64().Should().Be(50_000 - 230);
        events[^2].Data.ValueKind.Should().Be(System.Text.Json.JsonValueKind.Array);

        Factory.Model.Requests.Single().Stream.Should().BeTrue();
        var answer = await WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.Role == MessageRole.Assistant));
        answer.Id.Should().Be(meta.GetProperty("message_id").GetGuid());
        answer.ConversationId.Should().Be(meta.GetProperty("conversation_id").GetGuid());
        answer.Content.Should().Be(text);
        answer.TokensUsed.Should().Be(230);
        (await UsedTokensAsync(user.Id)).Should().Be(230);
    }

    [Fact]
    public async Task Stream_DeltasAreFlushedAsTheyArrive()
    {
        var (_, client) = await TechAsync();
        Factory.Model.Enqueue(new FakeBehavior.Reply("un deux trois quatre", InputTokens: 10, OutputTokens: 4, Chunks: 4, ChunkDelayMs: 400));

        using var request = StreamRequest(new { message = "compte", mode = "flash" });
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        // The first delta is readable long before the model has finished (4 chunks × 400 ms).
        var started = DateTime.UtcNow;
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null && line != "event: delta")
        {
        }

        line.Should().Be("event: delta");
        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromMilliseconds(1200));
        await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task Stream_ClientDisconnectingMidStream_StillGetsItsPartialAnswerStoredAndCharged()
    {
        var (user, client) = await TechAsync();
        Factory.Model.Enqueue(new FakeBehavior.StreamThenStall("Début de réponse partielle", InputTokens: 150));

        using (var request = StreamRequest(new { message = "longue réponse", mode = "code" }))
        {
            using var cts = new CancellationTokenSource();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            var seen = new StringBuilder();
            while (seen.ToString().Split("event: delta").Length < 3)
            {
                seen.AppendLine(await reader.ReadLineAsync(cts.Token));
            }

            await cts.CancelAsync();
        }

        Domain.Conversations.Message? answer = null;
        for (var i = 0; i < 50 && answer is null; i++)
        {
            await Task.Delay(100);
            answer = await WithDbAsync(db => db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.Role == MessageRole.Assistant));
        }

        answer.Should().NotBeNull("the partial answer is stored when the client goes away");
        answer!.Content.Should().Be("Début de réponse partielle");
        answer.TokensUsed.Should().BeGreaterThanOrEqualTo(150, "the input tokens reported by the provider are charged");
        (await UsedTokensAsync(user.Id)).Should().Be(answer.TokensUsed);
        (await ReservedTokensAsync(user.Id)).Should().Be(0);
    }

    [Fact]
    public async Task Stream_WhenTheModelFails_EndsWithAnErrorEvent_AndChargesNothing()
    {
        var (user, client) = await TechAsync();
        for (var i = 0; i < 3; i++)
        {
            Factory.Model.Enqueue(new FakeBehavior.Fail(529));
        }

        using var request = StreamRequest(new { message = "surcharge", mode = "flash" });
        using var response = await client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK, "the stream had started with its meta event");
        var events = ParseSse(await response.Content.ReadAsStringAsync());
        events.Select(e => e.Event).Should().Equal("meta", "error");
        events[1].Data.GetProperty("status").GetInt32().Should().Be(503);
        events[1].Data.GetProperty("detail").GetString().Should().Contain("conservé");
        (await UsedTokensAsync(user.Id)).Should().Be(0);
        (await ReservedTokensAsync(user.Id)).Should().Be(0);
        (await MessageCountAsync()).Should().Be(1, "the user's message stays");
    }

    [Fact]
    public async Task Stream_RefusalsBeforeTheFirstEvent_AreOrdinaryProblems()
    {
        var (user, client) = await TechAsync();
        await SendAsync(new Application.Tokens.GetTokenBalance.GetTokenBalanceQuery(user.Id));
        await WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE user_token_usage SET used_tokens = quota_tokens WHERE user_id = {user.Id}"));

        using var quota = StreamRequest(new { message = "x", mode = "flash" });
        await AssertProblemAsync(await client.SendAsync(quota), 429);
        using var invalid = StreamRequest(new { message = "x", mode = "nope" });
        await AssertProblemAsync(await client.SendAsync(invalid), 400);
        Factory.Model.Requests.Should().BeEmpty();
    }
}
