using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Wibot.Api.Tests.Fakes;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Conversations;

namespace Wibot.Api.Tests.Chat;

public sealed class SendChatMessageTests(WibotFactory factory) : ChatTestBase(factory)
{
    [Theory]
    [InlineData("flash", "claude-haiku-4-5", 1024, "Mode FLASH")]
    [InlineData("code", "claude-sonnet-4-5", 4096, "Mode CODE")]
    [InlineData("redaction", "claude-sonnet-4-5", 4096, "Mode RÉDACTION")]
    public async Task Chat_InEachMode_RoundTripsThroughTheAnthropicSdk(string mode, string model, int maxTokens, string promptMarker)
    {
        var (user, client) = await TechAsync();
        Factory.Model.Enqueue(new FakeBehavior.Reply("Redémarrez le service Spouleur d'impression.", InputTokens: 321, OutputTokens: 45));

        var response = await ChatAsync(client, new { message = "Comment relancer le spouleur d'impression ?", mode });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await ReadJsonAsync(response);
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        body.GetProperty("response").GetString().Should().Be("Redémarrez le service Spouleur d'impression.");
        body.GetProperty("tokens_used").GetInt64().Should().Be(366, "the provider's input + output usage is what gets charged");
        body.GetProperty("tokens_remaining").GetInt64().Should().Be(50_000 - 366);
        body.GetProperty("sources").GetArrayLength().Should().Be(0);
        var conversationId = body.GetProperty("conversation_id").GetGuid();
        var messageId = body.GetProperty("message_id").GetGuid();

        var request = Factory.Model.Requests.Should().ContainSingle().Subject;
        request.Model.Should().Be(model);
        request.MaxTokens.Should().Be(maxTokens);
        request.System.Should().Contain(promptMarker).And.Contain("WIDIP");
        request.Messages.Should().ContainSingle().Which.Content.Should().Be("Comment relancer le spouleur d'impression ?");

        var conversation = await WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conversationId));
        conversation.UserId.Should().Be(user.Id);
        conversation.Title.Should().Be("Comment relancer le spouleur d'impression ?");
        var messages = await WithDbAsync(db => db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId).OrderBy(m => m.CreatedAt).ToListAsync());
        messages.Select(m => m.Role).Should().Equal(MessageRole.User, MessageRole.Assistant);
        messages.Should().OnlyContain(m => string.Equals(m.Mode.ToString(), mode, StringComparison.OrdinalIgnoreCase));
        messages[1].Id.Should().Be(messageId);
        messages[1].TokensUsed.Should().Be(366);
        (await UsedTokensAsync(user.Id)).Should().Be(366);
        (await ReservedTokensAsync(user.Id)).Should().Be(0);
    }

    [Fact]
    public async Task Chat_SystemPrompts_DifferByMode()
    {
        var (_, client) = await TechAsync();
        foreach (var mode in new[] { "flash", "code", "redaction" })
        {
            (await ChatAsync(client, new { message = "Bonjour", mode })).StatusCode.Should().Be(HttpStatusCode.OK);
        }

        Factory.Model.Requests.Select(r => r.System).Distinct().Should().HaveCount(3);
    }

    [Fact]
    public async Task Chat_History_IsTheLastNMessagesInOrder()
    {
        var (user, client) = await TechAsync();
        var t0 = DateTimeOffset.UtcNow.AddHours(-1);
        var seeded = Enumerable.Range(0, 30)
            .Select(i => new SeedMessage(i % 2 == 0 ? MessageRole.User : MessageRole.Assistant, ChatMode.Flash, t0.AddSeconds(i), Tokens: 1, Content: $"message {i}"))
            .ToArray();
        var conversation = await SeedConversationAsync(user.Id, "Longue", t0, seeded);

        var response = await ChatAsync(client, new { message = "et maintenant ?", mode = "flash", conversation_id = conversation.Id });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var sent = Factory.Model.Requests.Single().Messages;
        sent.Should().HaveCount(10, "flash keeps a history of 10 messages, the new one included");
        sent.Select(m => m.Content).Should().Equal(Enumerable.Range(21, 9).Select(i => $"message {i}").Append("et maintenant ?"));
        sent.Select(m => m.Role).Should().Equal("assistant", "user", "assistant", "user", "assistant", "user", "assistant", "user", "assistant", "user");

        Factory.Model.Reset();
        (await ChatAsync(client, new { message = "en mode code", mode = "code", conversation_id = conversation.Id })).StatusCode.Should().Be(HttpStatusCode.OK);
        Factory.Model.Requests.Single().Messages.Should().HaveCount(20, "code keeps 20");
    }

    [Fact]
    public async Task Chat_WithoutMode_UsesFlash_AndAnUnknownModeIs400WithNothingStored()
    {
        var (_, client) = await TechAsync();

        var noMode = await ChatAsync(client, new { message = "test" });
        noMode.StatusCode.Should().Be(HttpStatusCode.OK);
        Factory.Model.Requests.Single().System.Should().Contain("Mode FLASH");

        var before = await MessageCountAsync();
        await AssertProblemAsync(await ChatAsync(client, new { message = "test", mode = "turbo" }), 400);
        await AssertProblemAsync(await ChatAsync(client, new { message = "   ", mode = "flash" }), 400);
        await AssertProblemAsync(await ChatAsync(client, new { mode = "flash" }), 400);
        (await MessageCountAsync()).Should().Be(before);
        Factory.Model.Requests.Should().HaveCount(1);
    }

    [Fact]
    public async Task Chat_WithAClientChosenUuid_CreatesTheConversationUnderThatId_ThenContinuesIt()
    {
        var (user, client) = await TechAsync();
        var id = Guid.NewGuid();

        var first = await ChatAsync(client, new { conversation_id = id, message = "Premier message", mode = "flash" });
        var second = await ChatAsync(client, new { conversation_id = id, message = "Deuxième", mode = "flash" });

        (await ReadJsonAsync(first)).GetProperty("conversation_id").GetGuid().Should().Be(id);
        (await ReadJsonAsync(second)).GetProperty("conversation_id").GetGuid().Should().Be(id);
        var stored = await WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync(c => c.Id == id));
        stored.UserId.Should().Be(user.Id);
        stored.Title.Should().Be("Premier message");
        (await WithDbAsync(db => db.Messages.CountAsync(m => m.ConversationId == id))).Should().Be(4);
        Factory.Model.Requests[1].Messages.Should().HaveCount(3);
    }

    [Fact]
    public async Task Chat_WithAnotherUsersConversation_Is404_AndNothingIsStoredOrSent()
    {
        var owner = await CreateUserAsync("owner");
        var conversation = await SeedConversationAsync(owner.Id, "À moi", DateTimeOffset.UtcNow, SeedMessage.Q(ChatMode.Flash, DateTimeOffset.UtcNow));
        var (intruder, client) = await TechAsync("intruder");

        var response = await ChatAsync(client, new { conversation_id = conversation.Id, message = "je lis ?", mode = "flash" });

        await AssertProblemAsync(response, 404);
        Factory.Model.Requests.Should().BeEmpty();
        (await WithDbAsync(db => db.Messages.CountAsync(m => m.ConversationId == conversation.Id))).Should().Be(1);
        (await UsedTokensAsync(intruder.Id)).Should().Be(0);
        (await ReservedTokensAsync(intruder.Id)).Should().Be(0);
    }

    [Fact]
    public async Task Chat_WhenQuotaIsExhausted_Is429QuotaExceeded_AndTheModelIsNotCalled()
    {
        var (user, client) = await TechAsync();
        await SendAsync(new Application.Tokens.GetTokenBalance.GetTokenBalanceQuery(user.Id));
        await WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE user_token_usage SET used_tokens = quota_tokens WHERE user_id = {user.Id}"));

        var response = await ChatAsync(client, new { message = "encore une question", mode = "flash" });

        await AssertProblemAsync(response, 429);
        (await ReadJsonAsync(response)).GetProperty("type").GetString().Should().EndWith("/quota-exceeded");
        Factory.Model.Requests.Should().BeEmpty();
        (await MessageCountAsync()).Should().Be(0);
    }

    [Fact]
    public async Task Chat_TwentySimultaneousSends_OvershootTheQuotaByOneMessageAtMost_WithNoLostUpdates()
    {
        var (user, client) = await TechAsync();
        await SendAsync(new Application.Tokens.GetTokenBalance.GetTokenBalanceQuery(user.Id));
        await WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE user_token_usage SET quota_tokens = 3000 WHERE user_id = {user.Id}"));
        for (var i = 0; i < 20; i++)
        {
            Factory.Model.Enqueue(new FakeBehavior.Reply("ok", InputTokens: 700, OutputTokens: 100, ChunkDelayMs: 0));
        }

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => ChatAsync(client, new { message = $"question {i}", mode = "flash" })));

        var ok = responses.Count(r => r.StatusCode == HttpStatusCode.OK);
        responses.Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.TooManyRequests);
        ok.Should().BeGreaterThan(0);
        var used = await UsedTokensAsync(user.Id);
        used.Should().Be(ok * 800L, "every answered message is charged exactly once");
        used.Should().BeLessThanOrEqualTo(3000 + 800, "concurrent sends pass the quota by one message's cost at most");
        var charged = await WithDbAsync(db => db.Messages.Where(m => m.Role == MessageRole.Assistant).SumAsync(m => m.TokensUsed));
        charged.Should().Be((int)used);
        (await ReservedTokensAsync(user.Id)).Should().Be(0);
    }

    [Fact]
    public async Task Chat_TurnsOfOneConversationAnsweredAtOnce_AndARenameAmongThem_LoseNoCountAndNoTitle()
    {
        var (_, client) = await TechAsync();
        Factory.Model.Enqueue(new FakeBehavior.Reply("première réponse", 10, 5));
        var first = await ReadJsonAsync(await ChatAsync(client, new { message = "Le VPN de la clinique ne monte plus", mode = "flash" }));
        var id = first.GetProperty("conversation_id").GetGuid();
        for (var i = 0; i < 8; i++)
        {
            Factory.Model.Enqueue(new FakeBehavior.Reply($"réponse {i}", 10, 5, ChunkDelayMs: 0));
        }

        var sends = Enumerable.Range(0, 8).Select(i => ChatAsync(client, new { conversation_id = id, message = $"précision {i}", mode = "flash" }));
        var rename = client.PutAsJsonAsync($"/webhook/wibot/conversations/{id}", new { title = "VPN clinique" });
        var answers = await Task.WhenAll(sends.Append(rename));

        var bodies = string.Join(" | ", await Task.WhenAll(answers.Where(a => a.StatusCode != HttpStatusCode.OK).Select(a => a.Content.ReadAsStringAsync())));
        answers.Select(a => a.StatusCode).Should().OnlyContain(s => s == HttpStatusCode.OK, "concurrent saves of one conversation are merged, never refused: " + bodies);
        var stored = await WithDbAsync(db => db.Conversations.AsNoTracking().SingleAsync(c => c.Id == id));
        stored.MessageCount.Should().Be(18, "2 + 8 × 2 messages, each counted once");
        stored.Title.Should().Be("VPN clinique");
        (await WithDbAsync(db => db.Messages.CountAsync(m => m.ConversationId == id))).Should().Be(18);
        var listed = await ReadJsonAsync(await client.GetAsync("/webhook/wibot/conversations"));
        listed.GetProperty("conversations").EnumerateArray().Single().GetProperty("message_count").GetInt32().Should().Be(18);
    }

    [Fact]
    public async Task Chat_RateLimitedThenSucceeds_IsRetriedHonouringRetryAfter()
    {
        var (user, client) = await TechAsync();
        Factory.Model.Enqueue(new FakeBehavior.Fail(429, RetryAfterSeconds: 1), new FakeBehavior.Reply("après attente", 50, 5));

        var started = DateTime.UtcNow;
        var response = await ChatAsync(client, new { message = "question", mode = "flash" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await ReadJsonAsync(response)).GetProperty("response").GetString().Should().Be("après attente");
        Factory.Model.Attempts.Should().Be(2);
        (DateTime.UtcNow - started).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900), "retry-after: 1 was honoured");
        (await UsedTokensAsync(user.Id)).Should().Be(55);
    }

    [Theory]
    [InlineData(529, 503)]
    [InlineData(503, 503)]
    [InlineData(500, 503)]
    [InlineData(400, 502)]
    public async Task Chat_WhenTheModelKeepsFailing_AnswersAClearError_KeepsTheUserMessage_AndChargesNothing(int modelStatus, int expected)
    {
        var (user, client) = await TechAsync();
        for (var i = 0; i < 5; i++)
        {
            Factory.Model.Enqueue(new FakeBehavior.Fail(modelStatus));
        }

        var response = await ChatAsync(client, new { message = "question perdue ?", mode = "code" });

        await AssertProblemAsync(response, expected);
        var problem = await ReadJsonAsync(response);
        problem.GetProperty("detail").GetString().Should().Contain("modèle").And.Contain("conservé");
        problem.GetRawText().Should().NotContain("sk-test").And.NotContain("fake ");
        Factory.Model.Attempts.Should().Be(expected == 503 ? 3 : 1, "only 429/500/503/529 are retried, twice");
        var messages = await WithDbAsync(db => db.Messages.AsNoTracking().ToListAsync());
        messages.Should().ContainSingle().Which.Content.Should().Be("question perdue ?");
        (await UsedTokensAsync(user.Id)).Should().Be(0);
        (await ReservedTokensAsync(user.Id)).Should().Be(0);
    }

    [Fact]
    public async Task Chat_RetryAfterAFailedAnswer_AnswersTheStoredQuestion_WithoutStoringItTwice()
    {
        var (_, client) = await TechAsync();
        var conversationId = Guid.CreateVersion7();
        for (var i = 0; i < 3; i++)
        {
            Factory.Model.Enqueue(new FakeBehavior.Fail(503));
        }

        await AssertProblemAsync(await ChatAsync(client, new { message = "imprimante hors ligne ?", mode = "flash", conversation_id = conversationId }), 503);
        var retried = await ChatAsync(client, new { message = "imprimante hors ligne ?", mode = "flash", conversation_id = conversationId });

        retried.StatusCode.Should().Be(HttpStatusCode.OK);
        var stored = await WithDbAsync(db => db.Messages.AsNoTracking().OrderBy(m => m.CreatedAt).Select(m => new { m.Role, m.Content }).ToListAsync());
        stored.Select(m => m.Role).Should().Equal(MessageRole.User, MessageRole.Assistant);
        stored[0].Content.Should().Be("imprimante hors ligne ?");
        Factory.Model.Requests[^1].Messages.Count(m => m.Content.Contains("imprimante hors ligne ?", StringComparison.Ordinal))
            .Should().Be(1, "the model sees the question once");

        // Asked again once answered, the same words are a new question.
        (await ChatAsync(client, new { message = "imprimante hors ligne ?", mode = "flash", conversation_id = conversationId })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await MessageCountAsync()).Should().Be(4);
    }

    [Fact]
    public async Task Chat_WhenTheModelIsTooSlow_Answers504()
    {
        var (user, client) = await TechAsync();
        Factory.Model.Enqueue(new FakeBehavior.Hang(8_000));

        var response = await ChatAsync(client, new { message = "lent", mode = "flash" });

        await AssertProblemAsync(response, 504);
        (await UsedTokensAsync(user.Id)).Should().Be(0);
        (await MessageCountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Chat_WhenTheModelAnswersGarbage_Answers502()
    {
        var (user, client) = await TechAsync();
        Factory.Model.Enqueue(new FakeBehavior.Garbage());

        var response = await ChatAsync(client, new { message = "réponse illisible", mode = "flash" });

        await AssertProblemAsync(response, 502);
        (await UsedTokensAsync(user.Id)).Should().Be(0);
    }

    [Fact]
    public async Task Chat_LegacyClientRequest_WorksUnchanged()
    {
        var (_, client) = await TechAsync();
        var id = Guid.NewGuid();

        var response = await client.PostAsJsonAsync("/webhook/wibot/chat", new { conversation_id = id.ToString(), message = "Bonjour", mode = "flash", files = Array.Empty<object>() });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        body.GetProperty("conversation_id").GetString().Should().Be(id.ToString());
        body.GetProperty("tokens_remaining").GetInt64().Should().BeGreaterThan(0);
        body.GetProperty("tokens_used").GetInt64().Should().BeGreaterThan(0);
        body.GetProperty("response").GetString().Should().NotBeNullOrEmpty();
    }
}
