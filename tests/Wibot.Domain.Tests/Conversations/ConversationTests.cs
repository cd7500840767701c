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
}
