using Wibot.Infrastructure.Rag;

namespace Wibot.Domain.Tests.Rag;

public sealed class DocumentParserTests
{
    private const string GuideFormat = """
        # Procédure : réinitialiser un mot de passe AD

        ## Metadata
        - Type: procedure
        - Tags: AD, mot de passe, compte
        - Client: Clinique Saint-Joseph

        ## Contenu

        ### Prérequis
        Être accrédité N2 et disposer de la console ADUC.

        ### Étapes
        1. Ouvrir la console.
        2. Rechercher l'utilisateur.

        #### Vérification
        L'utilisateur se connecte avec le mot de passe temporaire.
        """;

    [Fact]
    public void GuideFormat_ReadsTitleAndMetadata_AndKeepsHeadingPaths()
    {
        var doc = DocumentParser.Parse("procedures/PROC_002.md", GuideFormat);

        doc.Title.Should().Be("Procédure : réinitialiser un mot de passe AD");
        doc.Type.Should().Be("procedure");
        doc.Tags.Should().Equal("AD", "mot de passe", "compte");
        doc.Client.Should().Be("Clinique Saint-Joseph");
        doc.Chunks.Select(c => c.Heading).Should().Equal("Prérequis", "Étapes", "Étapes > Vérification");
        doc.Chunks[1].Content.Should().Contain("1. Ouvrir la console.").And.Contain("2. Rechercher l'utilisateur.");
        doc.Chunks.Should().NotContain(c => c.Content.Contains("Type:", StringComparison.Ordinal), "the metadata block is not content");
    }

    [Fact]
    public void WithoutMetadata_TypeComesFromTheFolder_AndTitleFromTheFileName()
    {
        var doc = DocumentParser.Parse("tickets/TICKETS_Resolus_2024.md", "Quelques tickets.\n\n## INC-1\nImprimante bloquée.");

        doc.Type.Should().Be("ticket");
        doc.Title.Should().Be("TICKETS Resolus 2024");
        doc.Client.Should().BeNull();
        doc.Chunks.Select(c => c.Heading).Should().Equal(string.Empty, "INC-1");
    }

    [Fact]
    public void FrontMatter_GivesTitleAndDescription_AndIsNotIndexedAsText()
    {
        var doc = DocumentParser.Parse("yunohost/backup.fr.md", "---\ntitle: Sauvegarder son serveur\ndescription: Les sauvegardes\ntaxonomy:\n    category: docs\n---\n\nTexte **important** avec [un lien](/x).\n");

        doc.Title.Should().Be("Sauvegarder son serveur");
        doc.Description.Should().Be("Les sauvegardes");
        doc.Chunks.Single().Content.Should().Be("Texte **important** avec un lien.");
    }

    [Fact]
    public void DokuWiki_HeadingsTagsAndLinksAreUnderstood()
    {
        var doc = DocumentParser.Parse("ubuntu-fr/wifi.txt", "{{tag>reseau wifi}}\n----\n====== Wi-Fi ======\nIntro [[:terminal|un terminal]].\n===== Identifier sa carte =====\nUtiliser <code>lspci</code>.\n");

        doc.Title.Should().Be("Wi-Fi");
        doc.Tags.Should().Contain(["reseau", "wifi"]);
        doc.Chunks.Select(c => c.Heading).Should().Equal(string.Empty, "Identifier sa carte");
        doc.Chunks[0].Content.Should().Be("Intro un terminal.");
        doc.Chunks[1].Content.Should().Be("Utiliser lspci.");
    }

    [Fact]
    public void LongSections_AreSplitIntoBoundedOverlappingChunks()
    {
        var paragraphs = Enumerable.Range(1, 30).Select(i => $"Paragraphe {i} : " + string.Join(' ', Enumerable.Repeat($"mot{i}", 30)));
        var doc = DocumentParser.Parse("doc/long.md", "# Long\n\n## Section\n\n" + string.Join("\n\n", paragraphs), chunkChars: 1000, overlapChars: 120);

        doc.Chunks.Should().HaveCountGreaterThan(5);
        doc.Chunks.Should().OnlyContain(c => c.Heading == "Section");
        doc.Chunks.Should().OnlyContain(c => c.Content.Length <= 1000 + 130);
        for (var i = 1; i < doc.Chunks.Count; i++)
        {
            var previousTail = doc.Chunks[i - 1].Content[^60..];
            doc.Chunks[i].Content.Should().StartWith("… ").And.Contain(previousTail.Split(' ', 2)[1]);
        }

        var all = string.Join("\n", doc.Chunks.Select(c => c.Content));
        foreach (var i in new[] { 1, 15, 30 })
        {
            all.Should().Contain($"Paragraphe {i} :");
        }
    }

    [Fact]
    public void EmptyDocument_StillHasOneChunk()
    {
        var doc = DocumentParser.Parse("procedures/vide.md", "# Titre seul\n");

        doc.Chunks.Should().ContainSingle().Which.Content.Should().Be("Titre seul");
    }
}
