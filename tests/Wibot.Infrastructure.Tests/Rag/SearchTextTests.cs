using Wibot.Infrastructure.Rag;

namespace Wibot.Infrastructure.Tests.Rag;

public sealed class SearchTextTests
{
    [Fact]
    public void ForIndex_AddsTheJoinedFormOfHyphenatedWords_AndKeepsTheText()
    {
        var text = SearchText.ForIndex("Activer le Wi-Fi et le pare-feu, envoyer un e-mail.");

        text.Should().StartWith("Activer le Wi-Fi et le pare-feu, envoyer un e-mail.");
        text.Should().Contain("WiFi").And.Contain("parefeu").And.Contain("email");
        SearchText.ForIndex("Rien à joindre.").Should().Be("Rien à joindre.");
    }

    [Fact]
    public void ForQuery_DropsTheChatter_AndSpellsOutAbbreviations()
    {
        var query = SearchText.ForQuery("bonjour, comment je change le mdp admin svp ? ça marche pas");

        var words = query.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        words.Should().Contain(["change", "mdp", "mot", "passe", "admin", "administrateur"]);
        words.Should().NotContain(["bonjour", "comment", "je", "svp", "ça", "marche"]);
    }

    [Fact]
    public void ForQuery_JoinsHyphenatedWords_AndKeepsAQuestionMadeOnlyOfChatter()
    {
        SearchText.ForQuery("le wi-fi coupe").Split(' ').Should().Contain(["wi-fi", "wifi", "coupe"]);
        SearchText.ForQuery("comment faire ?").Should().Be("comment faire ?");
        SearchText.ForQuery("l'imprimente bloquée").Split(' ').Should().NotContain("imprimante", "typos are corrected against the index, not by a table");
    }
}
