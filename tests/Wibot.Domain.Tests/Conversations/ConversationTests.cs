using Wibot.Domain.Conversations;

namespace Wibot.Domain.Tests.Conversations;

public sealed class ConversationTests
{
    [Theory]
    [InlineData("Comment réinitialiser un mot de passe AD ?", "Comment réinitialiser un mot de passe AD ?")]
    [InlineData("  \n  ", Conversation.DefaultTitle)]
    [InlineData("Première ligne\nseconde ligne", "Première ligne")]
    public void TitleFromMessage_TakesTheFirstLine(string message, string expected)
    {
        Conversation.TitleFromMessage(message).Should().Be(expected);
    }

    [Fact]
    public void TitleFromMessage_CutsLongMessagesAtAWordBoundary()
    {
        var title = Conversation.TitleFromMessage(string.Join(' ', Enumerable.Repeat("imprimante", 20)));

        title.Length.Should().BeLessThanOrEqualTo(61);
        title.Should().EndWith("…").And.StartWith("imprimante imprimante");
    }

    [Fact]
    public void Start_AssignsTimeOrderedIds()
    {
        var now = DateTimeOffset.UtcNow;
        var a = Conversation.Start(1, "a", now);
        var b = Conversation.Start(1, "b", now.AddMilliseconds(5));

        a.Id.Version.Should().Be(7);
        string.CompareOrdinal(a.Id.ToString(), b.Id.ToString()).Should().BeNegative();
    }

    [Fact]
    public void Rename_TrimsAndFallsBackToTheDefaultTitle()
    {
        var c = Conversation.Start(1, "x", DateTimeOffset.UnixEpoch);
        c.Rename("   ", DateTimeOffset.UnixEpoch.AddDays(1));

        c.Title.Should().Be(Conversation.DefaultTitle);
        c.UpdatedAt.Should().Be(DateTimeOffset.UnixEpoch.AddDays(1));
    }

    [Fact]
    public void AskAndAnswer_AppendMessagesOfTheConversation_CountingThemAndMovingItsActivity()
    {
        var t0 = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
        var conversation = Conversation.Start(7, "Imprimante", t0);

        var question = conversation.Ask("L'imprimante du 2e étage ne répond plus", ChatMode.Flash, t0.AddSeconds(1), "spooler.log", "text/plain");
        var answer = conversation.Answer("Redémarrez le spouleur.", ChatMode.Flash, 120, 2, t0.AddSeconds(3));

        conversation.MessageCount.Should().Be(2);
        conversation.UpdatedAt.Should().Be(t0.AddSeconds(3));
        question.ConversationId.Should().Be(conversation.Id);
        question.Role.Should().Be(MessageRole.User);
        question.HasAttachment.Should().BeTrue();
        question.AttachmentCount.Should().Be(1);
        answer.ConversationId.Should().Be(conversation.Id);
        answer.Role.Should().Be(MessageRole.Assistant);
        answer.TokensUsed.Should().Be(120);
        answer.SourceCount.Should().Be(2);
    }

    [Fact]
    public void RecordMessage_NeverMovesTheActivityBack()
    {
        var t0 = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);
        var conversation = Conversation.Start(7, null, t0);
        conversation.Ask("Bonjour", ChatMode.Code, t0.AddMinutes(5));

        // A turn that began earlier but stores after a reload counts, without moving the activity back.
        conversation.RecordMessage(t0.AddMinutes(2));

        conversation.MessageCount.Should().Be(2);
        conversation.UpdatedAt.Should().Be(t0.AddMinutes(5));
    }
}
