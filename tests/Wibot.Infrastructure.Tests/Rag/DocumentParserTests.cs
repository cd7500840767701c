using Wibot.Infrastructure.Rag;

namespace Wibot.Infrastructure.Tests.Rag;

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

    [Fact]
    public void DokuWiki_CodeBlocksStayCode_AndTheirShellCommentsAreNotHeadings()
    {
        const string page = "{{tag>serveur réseau}}\n----\n\n====== DNS - Système des noms ======\nIntro.\n===== Configurer =====\n"
            + "Éditer le fichier :\n<code bash>\n# and how to activate them\nnameserver 9.9.9.9\n</code>\n<file>\n## second comment\nsearch lan\n</file>\n";
        var doc = DocumentParser.Parse("ubuntu-fr/dns.txt", page);

        doc.Title.Should().Be("DNS - Système des noms");
        doc.Chunks.Select(c => c.Heading).Should().Equal(string.Empty, "Configurer");
        doc.Chunks[1].Content.Should().Contain("# and how to activate them").And.Contain("nameserver 9.9.9.9").And.Contain("search lan");
        doc.Chunks[1].Content.Should().NotContain("<code").And.NotContain("```");
    }

    [Fact]
    public void DokuWiki_InlineMarkupIsDropped_ButWordsLinksAndCaptionsStay()
    {
        const string page = "======= NFS : le partage réseau =======\n"
            + "Le **[[wpfr>Domain Name System]]** fait la //résolution// de ''www.ubuntu-fr.org'', voir http://example.org/page.\\\\ "
            + "Suite [[:tutoriel:comment_installer_un_paquet]] et [[apt>nfs-kernel-server]].\n\n"
            + "{{ http://upload.example/dns.png?300|Fonctionnement du DNS}}\n\n"
            + "^ Option ^ Effet ^\n| rw | lecture et écriture |\n";
        var doc = DocumentParser.Parse("ubuntu-fr/nfs.txt", page);

        doc.Title.Should().Be("NFS : le partage réseau");
        var text = string.Join("\n", doc.Chunks.Select(c => c.Content));
        text.Should().Contain("Domain Name System").And.Contain("fait la résolution de www.ubuntu-fr.org").And.Contain("http://example.org/page");
        text.Should().Contain("tutoriel comment installer un paquet").And.Contain("nfs-kernel-server").And.Contain("Fonctionnement du DNS");
        text.Should().NotContain("wpfr>").And.NotContain("//résolution//").And.NotContain("''").And.NotContain("{{").And.NotContain("\\\\");
        text.Should().Contain("rw").And.Contain("lecture et écriture").And.NotContain("^");
    }

    [Fact]
    public void FirstLevelOneHeading_IsTheTitle_EvenAfterAnOpeningNote()
    {
        var doc = DocumentParser.Parse("tutoriel/reseau.txt", "{{tag>réseau}}\n----\n<note warning>Page complexe.</note>\n\n====== Configurer son réseau local ======\nTexte.\n");

        doc.Title.Should().Be("Configurer son réseau local");
        doc.Chunks.Should().ContainSingle().Which.Content.Should().Be("Page complexe.\n\nTexte.");
    }

    [Fact]
    public void FrontMatter_ReadsTagListsKeywordsAndFoldedDescriptions()
    {
        const string page = "---\ntitle: 'Outlook : réponses automatiques'\ndescription: >\n  Envoyer un message\n  d'absence.\nkeywords: absence, congés\ntags:\n  - outlook\n  - \"messagerie\"\ntaxonomy:\n    category: docs\n    tag: [mail]\nms.topic: article\n---\n# <a name=\"x\"></a>Réponses automatiques\nTexte.\n";
        var doc = DocumentParser.Parse("m365/ooo.md", page);

        doc.Title.Should().Be("Outlook : réponses automatiques");
        doc.Description.Should().Be("Envoyer un message d'absence.");
        doc.Tags.Should().BeEquivalentTo("absence", "congés", "outlook", "messagerie", "mail");
        doc.Chunks.Single().Heading.Should().Be("Réponses automatiques");
        doc.Chunks.Single().Content.Should().Be("Texte.");
    }

    [Fact]
    public void GravAndDocFxMarkup_AndHtmlComments_DoNotPolluteTheText()
    {
        const string page = "---\ntitle: Sauvegarder\n---\n{% set image_type = 'YunoHost' %}\n<!-- a hidden\nnote -->\n"
            + "## [fa=list-alt /] Pré-requis\n\n[div class=\"alert\"]\nUn disque.\n[/div]\n\n!!! Pensez à tester la restauration.\n\n"
            + "[ui-tabs position=\"top-left\"]\n[ui-tab title=\"Web\"]\nCliquer sur Sauvegardes.\n[/ui-tab]\n[/ui-tabs]\n\n"
            + "> [!NOTE]\n> Les archives sont dans /home/yunohost.backup.\n\n:::image type=\"content\" source=\"a.png\" alt-text=\"Écran des sauvegardes\":::\n\n"
            + "![Clé USB](image://usb_key.png?resize=100,100&class=inline) Copier l'archive.\n";
        var doc = DocumentParser.Parse("yunohost/backup.fr.md", page);

        doc.Chunks.Single().Heading.Should().Be("Pré-requis");
        var text = doc.Chunks.Single().Content;
        text.Should().Contain("Un disque.").And.Contain("Pensez à tester la restauration.").And.Contain("Cliquer sur Sauvegardes.");
        text.Should().Contain("Les archives sont dans /home/yunohost.backup.").And.Contain("Écran des sauvegardes").And.Contain("Clé USB Copier l'archive.");
        text.Should().NotContain("{%").And.NotContain("hidden").And.NotContain("[div").And.NotContain("!!!").And.NotContain("[ui-tab")
            .And.NotContain("[!NOTE]").And.NotContain(":::").And.NotContain("image://").And.NotContain("[fa=");
    }

    [Fact]
    public void FencedCode_IsKeptWithoutItsFences()
    {
        var doc = DocumentParser.Parse("doc/cmd.md", "# Commande\n\n## Syntaxe\n\n```\ngpupdate /force\n```\n");

        doc.Chunks.Single().Content.Should().Be("gpupdate /force");
    }
}
