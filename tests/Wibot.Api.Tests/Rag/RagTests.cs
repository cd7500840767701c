using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Wibot.Api.Tests.Fakes;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Users;

namespace Wibot.Api.Tests.Rag;

public sealed class RagTests(WibotFactory factory) : ApiTestBase(factory)
{
    private const string PasswordProcedure = """
        # Réinitialiser un mot de passe Active Directory

        ## Metadata
        - Type: procedure
        - Tags: AD, mot de passe, compte verrouillé
        - Client: Tous

        ## Contenu

        ### Étapes
        Ouvrir la console Utilisateurs et ordinateurs Active Directory, faire un clic droit sur le compte
        puis « Réinitialiser le mot de passe ». Cocher « L'utilisateur doit changer le mot de passe ».
        """;

    private const string InternetProcedure = """
        # Panne Internet sur un site client

        ## Metadata
        - Type: procedure
        - Tags: réseau, box, routeur, FAI
        - Client: Tous

        ## Contenu

        ### Diagnostic
        Vérifier les voyants de la box du fournisseur d'accès, redémarrer le routeur, tester un ping vers 8.8.8.8.
        Si l'accès ne revient pas, ouvrir un ticket chez l'opérateur.
        """;

    private const string PrinterProcedure = """
        # Imprimantes réseau

        ## Metadata
        - Type: procedure
        - Tags: impression, spouleur
        - Client: Clinique Saint-Joseph

        ## Contenu

        ### File bloquée
        Les imprimantes du 2e étage utilisent la file \\SRV-PRINT01\RDC. Redémarrer le service Spouleur.

        ### Sauvegarde des pilotes
        Les pilotes sont sauvegardés chaque nuit.
        """;

    private const string EhpadBackup = """
        # Fiche client EHPAD Music Art

        ## Metadata
        - Type: client
        - Tags: sauvegarde, NAS
        - Client: EHPAD Music Art

        ## Contenu

        ### Sauvegarde
        La sauvegarde du NAS Synology part chaque nuit à 22 h vers le cloud HDS.
        """;

    private async Task<HttpClient> AdminAsync()
    {
        await CreateUserAsync("rag.admin", role: UserRole.Admin, level: AccreditationLevel.N4);
        return ClientWithToken(await LoginAsync("rag.admin"));
    }

    private void WriteSampleDocuments()
    {
        Factory.Documents.Write("procedures/PROC_002_Reset_Password_AD.md", PasswordProcedure);
        Factory.Documents.Write("procedures/PROC_001_Panne_Internet.md", InternetProcedure);
        Factory.Documents.Write("procedures/PROC_003_Imprimante_Reseau.md", PrinterProcedure);
        Factory.Documents.Write("clients/CLIENT_EHPAD_Music_Art.md", EhpadBackup);
    }

    private static async Task<JsonElement> IngestAsync(HttpClient admin)
    {
        var response = await admin.PostAsync("/webhook/wibot/rag/ingest", null);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await ReadJsonAsync(response);
    }

    private static async Task<List<string>> SearchPathsAsync(HttpClient client, string query, string extra = "")
    {
        var response = await client.GetAsync($"/webhook/wibot/rag/search?q={Uri.EscapeDataString(query)}{extra}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = await ReadJsonAsync(response);
        body.GetProperty("success").GetBoolean().Should().BeTrue();
        return body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("path").GetString()!).ToList();
    }

    [Fact]
    public async Task Ingest_CountsAddedUpdatedRemovedUnchanged_AndReportsBadFilesWithoutAborting()
    {
        using var admin = await AdminAsync();
        WriteSampleDocuments();
        Factory.Documents.Write("tickets/TICKETS_Resolus_2024.md", "## INC-2024-0001\nÉcran noir au démarrage, remplacé le câble.");
        Factory.Documents.WriteBytes("procedures/latin1.md", [0x23, 0x20, 0xC9, 0x74, 0xE9, 0x0A, 0xFF, 0xFE]);
        Factory.Documents.Write("images/photo.png", "not indexed");

        var first = await IngestAsync(admin);
        first.GetProperty("added").GetInt32().Should().Be(5);
        first.GetProperty("updated").GetInt32().Should().Be(0);
        first.GetProperty("unchanged").GetInt32().Should().Be(0);
        first.GetProperty("chunks").GetInt32().Should().BeGreaterThanOrEqualTo(6);
        first.GetProperty("duration_ms").GetInt64().Should().BeGreaterThanOrEqualTo(0);
        var error = first.GetProperty("errors").EnumerateArray().Should().ContainSingle().Subject;
        error.GetProperty("path").GetString().Should().Be("procedures/latin1.md");
        error.GetProperty("error").GetString().Should().Contain("UTF-8");

        var second = await IngestAsync(admin);
        second.GetProperty("added").GetInt32().Should().Be(0);
        second.GetProperty("unchanged").GetInt32().Should().Be(5);

        Factory.Documents.Write("procedures/PROC_001_Panne_Internet.md", InternetProcedure + "\n### Escalade\nAppeler le NOC.");
        Factory.Documents.Delete("clients/CLIENT_EHPAD_Music_Art.md");
        var third = await IngestAsync(admin);
        third.GetProperty("updated").GetInt32().Should().Be(1);
        third.GetProperty("removed").GetInt32().Should().Be(1);
        third.GetProperty("unchanged").GetInt32().Should().Be(3);

        var documents = await ReadJsonAsync(await admin.GetAsync("/webhook/wibot/rag/documents"));
        var list = documents.GetProperty("documents").EnumerateArray().ToList();
        list.Select(d => d.GetProperty("path").GetString()).Should().BeEquivalentTo(
            "procedures/PROC_001_Panne_Internet.md", "procedures/PROC_002_Reset_Password_AD.md", "procedures/PROC_003_Imprimante_Reseau.md", "tickets/TICKETS_Resolus_2024.md");
        var printer = list.Single(d => d.GetProperty("path").GetString() == "procedures/PROC_003_Imprimante_Reseau.md");
        printer.GetProperty("title").GetString().Should().Be("Imprimantes réseau");
        printer.GetProperty("type").GetString().Should().Be("procedure");
        printer.GetProperty("client").GetString().Should().Be("Clinique Saint-Joseph");
        printer.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Equal("impression", "spouleur");
        printer.GetProperty("chunks").GetInt32().Should().Be(2);
        list.Single(d => d.GetProperty("path").GetString() == "tickets/TICKETS_Resolus_2024.md").GetProperty("type").GetString().Should().Be("ticket");
        (await SearchPathsAsync(admin, "escalade NOC")).Should().StartWith("procedures/PROC_001_Panne_Internet.md");
        (await SearchPathsAsync(admin, "synology")).Should().BeEmpty("the removed document is gone from the index");
    }

    [Theory]
    [InlineData("reinitialiser mot de passe", "procedures/PROC_002_Reset_Password_AD.md")]
    [InlineData("RÉINITIALISER MOT DE PASSE", "procedures/PROC_002_Reset_Password_AD.md")]
    [InlineData("imprimante", "procedures/PROC_003_Imprimante_Reseau.md")]
    [InlineData("imprimente bloquee", "procedures/PROC_003_Imprimante_Reseau.md")]
    [InlineData("spouler", "procedures/PROC_003_Imprimante_Reseau.md")]
    [InlineData("on n'a plus internet à l'accueil depuis ce matin, que faut-il vérifier ?", "procedures/PROC_001_Panne_Internet.md")]
    [InlineData("un utilisateur a oublié son mdp windows, comment je le débloque", "procedures/PROC_002_Reset_Password_AD.md")]
    public async Task Search_IgnoresAccentsAndCase_ToleratesTyposAndChattyQuestions(string query, string expected)
    {
        using var admin = await AdminAsync();
        WriteSampleDocuments();
        await IngestAsync(admin);

        var paths = await SearchPathsAsync(admin, query);

        paths.Should().NotBeEmpty().And.Subject.First().Should().Be(expected);
    }

    /// <summary>
    /// Typos of words that appear in no table: only the correction against the indexed vocabulary can find
    /// them. (A typo whose stem is nearer a short unrelated stem, such as "badgause", still misses: see the retrieval issue.)
    /// </summary>
    [Theory]
    [InlineData("stormshild", "clients/CLIENT_EHPAD_Music_Art.md")]
    [InlineData("imprimente", "procedures/PROC_003_Imprimante_Reseau.md")]
    public async Task Search_CorrectsTyposAgainstTheIndexedWords_OnTheSampleKnowledgeBase(string query, string expected)
    {
        using var admin = await AdminAsync();
        var samples = Path.Combine(RepositoryRoot(), "rag-documents");
        foreach (var file in Directory.EnumerateFiles(samples, "*.md", SearchOption.AllDirectories))
        {
            Factory.Documents.Write(Path.GetRelativePath(samples, file), await File.ReadAllTextAsync(file));
        }

        await IngestAsync(admin);

        (await SearchPathsAsync(admin, query)).Should().NotBeEmpty().And.Subject.First().Should().Be(expected);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "rag-documents")) && File.Exists(Path.Combine(dir.FullName, "Wibot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root was not found above the test binaries.");
    }

    [Fact]
    public async Task Search_RareWordsOutweighCommonOnes_AndHyphenatedSpellingsMeet()
    {
        using var admin = await AdminAsync();
        WriteSampleDocuments();
        // Many pages about "serveur" and "utilisateur"; a single one about fail2ban and the Wi-Fi.
        for (var i = 0; i < 6; i++)
        {
            Factory.Documents.Write($"documentation/note_{i}.md", $"# Note {i}\n\nLe serveur {i} sert les utilisateurs. Chaque utilisateur du serveur a un compte sur le serveur.");
        }

        Factory.Documents.Write("documentation/bannissement.txt", "====== Bannir des IP ======\nfail2ban surveille les journaux du serveur et bannit une adresse.\n===== Wi-Fi =====\nLe Wi-Fi invité est isolé.\n");
        await IngestAsync(admin);

        (await SearchPathsAsync(admin, "serveur utilisateur fail2ban")).Should().StartWith("documentation/bannissement.txt");
        (await SearchPathsAsync(admin, "wifi invite")).Should().StartWith("documentation/bannissement.txt");

        // Re-indexing a changed page: the word it lost no longer finds it, its new words do.
        Factory.Documents.Write("documentation/bannissement.txt", "====== Bannir des IP ======\nUne adresse est bannie après cinq échecs.\n");
        var again = await IngestAsync(admin);
        again.GetProperty("updated").GetInt32().Should().Be(1);
        (await SearchPathsAsync(admin, "fail2ban")).Should().NotContain("documentation/bannissement.txt");
        (await SearchPathsAsync(admin, "bannir adresse")).Should().StartWith("documentation/bannissement.txt");
    }

    [Fact]
    public async Task Search_FiltersByClientAndType_AndHighlightsMatches()
    {
        using var admin = await AdminAsync();
        WriteSampleDocuments();
        await IngestAsync(admin);

        (await SearchPathsAsync(admin, "sauvegarde")).Should().BeEquivalentTo("procedures/PROC_003_Imprimante_Reseau.md", "clients/CLIENT_EHPAD_Music_Art.md");
        (await SearchPathsAsync(admin, "sauvegarde", "&client=ehpad music")).Should().Equal("clients/CLIENT_EHPAD_Music_Art.md");
        (await SearchPathsAsync(admin, "sauvegarde", "&type=procedure")).Should().Equal("procedures/PROC_003_Imprimante_Reseau.md");

        var body = await ReadJsonAsync(await admin.GetAsync("/webhook/wibot/rag/search?q=spouleur&limit=1"));
        var result = body.GetProperty("results").EnumerateArray().Should().ContainSingle().Subject;
        result.GetProperty("snippet").GetString().Should().Contain("**Spouleur**");
        result.GetProperty("document").GetString().Should().Be("PROC_003_Imprimante_Reseau");
        result.GetProperty("title").GetString().Should().Be("Imprimantes réseau");
        result.GetProperty("type").GetString().Should().Be("procedure");
        result.GetProperty("client").GetString().Should().Be("Clinique Saint-Joseph");
        result.GetProperty("score").GetDouble().Should().BePositive();
    }

    [Fact]
    public async Task Search_And_Ingest_AreProtected()
    {
        await CreateUserAsync("simple.tech");
        using var tech = ClientWithToken(await LoginAsync("simple.tech"));

        await AssertProblemAsync(await tech.PostAsync("/webhook/wibot/rag/ingest", null), 403);
        await AssertProblemAsync(await Client.GetAsync("/webhook/wibot/rag/search?q=test"), 401);
        await AssertProblemAsync(await tech.GetAsync("/webhook/wibot/rag/search"), 400);
        await AssertProblemAsync(await tech.GetAsync("/webhook/wibot/rag/search?q=x&limit=500"), 400);
        (await tech.GetAsync("/webhook/wibot/rag/documents")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Chat_GroundsTheAnswerInNumberedExcerpts_AndReturnsTheirSources()
    {
        using var admin = await AdminAsync();
        WriteSampleDocuments();
        await IngestAsync(admin);
        Factory.Model.Enqueue(new FakeBehavior.Reply("Suivez la procédure [1].", 400, 20));

        var response = await admin.PostAsJsonAsync("/webhook/wibot/chat", new { message = "Comment réinitialiser le mot de passe AD d'un utilisateur ?", mode = "code" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var system = Factory.Model.Requests.Single().System;
        system.Should().Contain("[1] Réinitialiser un mot de passe Active Directory (procedures/PROC_002_Reset_Password_AD.md)");
        system.Should().Contain("clic droit sur le compte").And.Contain("[1] ou [2]");
        var sources = (await ReadJsonAsync(response)).GetProperty("sources").EnumerateArray().ToList();
        sources.Should().NotBeEmpty();
        sources[0].GetProperty("path").GetString().Should().Be("procedures/PROC_002_Reset_Password_AD.md");
        sources[0].GetProperty("document").GetString().Should().Be("PROC_002_Reset_Password_AD");
        sources[0].GetProperty("title").GetString().Should().Be("Réinitialiser un mot de passe Active Directory");
        sources[0].GetProperty("score").GetDouble().Should().BePositive();
    }
}
