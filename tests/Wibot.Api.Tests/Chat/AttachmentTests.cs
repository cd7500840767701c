using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Domain.Conversations;

namespace Wibot.Api.Tests.Chat;

public sealed class AttachmentTests(WibotFactory factory) : ChatTestBase(factory)
{
    private static MultipartFormDataContent Form(string message, string fileName, byte[] content, string contentType)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(message), "message" },
            { new StringContent("code"), "mode" },
        };
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return form;
    }

    public static TheoryData<string, string, string> TextFiles => new()
    {
        { "erreurs.log", "text/plain", "2026-11-24 ERROR Spooler crashed (0x800706BA)" },
        { "notes.txt", "text/plain", "Le poste INF-042 ne démarre plus" },
        { "procedure.md", "text/markdown", "# Procédure\n- redémarrer le NAS" },
        { "export.csv", "text/csv", "poste;ip\nINF-042;10.1.2.3" },
        { "config.json", "application/json", "{\"smtp\": \"mail.widip.fr\"}" },
        { "settings.xml", "application/xml", "<settings><proxy>none</proxy></settings>" },
        { "deploy.yaml", "application/yaml", "replicas: 2" },
        { "reset.ps1", "application/octet-stream", "Get-Service Spooler | Restart-Service" },
    };

    [Theory]
    [MemberData(nameof(TextFiles))]
    public async Task Multipart_TextAndCodeFiles_ReachTheModelAsText_AndAreRecorded(string name, string type, string content)
    {
        var (_, client) = await TechAsync();

        using var form = Form("Analyse ce fichier", name, Encoding.UTF8.GetBytes(content), type);
        var response = await client.PostAsync("/webhook/wibot/chat", form);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var sent = Factory.Model.Requests.Single().Messages[^1].Content;
        sent.Should().StartWith("Analyse ce fichier").And.Contain(content).And.Contain(name);
        var stored = await WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.Role == MessageRole.User));
        stored.Content.Should().Be("Analyse ce fichier");
        stored.HasAttachment.Should().BeTrue();
        stored.AttachmentName.Should().Be(name);
        stored.AttachmentType.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Multipart_Pdf_IsTurnedIntoText()
    {
        var (_, client) = await TechAsync();
        var builder = new PdfDocumentBuilder();
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        page.AddText("Rapport incident serveur SRV-DC01", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 700), font);
        var pdf = builder.Build();

        using var form = Form("Résume ce PDF", "rapport.pdf", pdf, "application/pdf");
        var response = await client.PostAsync("/webhook/wibot/chat", form);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Factory.Model.Requests.Single().Messages[^1].Content.Should().Contain("Rapport incident serveur SRV-DC01");
        var stored = await WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.Role == MessageRole.User));
        stored.AttachmentType.Should().Be("application/pdf");
    }

    [Fact]
    public async Task Multipart_Docx_IsTurnedIntoText()
    {
        var (_, client) = await TechAsync();
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry("word/document.xml");
            using var w = new StreamWriter(entry.Open());
            w.Write("<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>" +
                    "<w:p><w:r><w:t>Compte rendu d'intervention</w:t></w:r></w:p><w:p><w:r><w:t>Clinique Saint-Joseph</w:t></w:r></w:p></w:body></w:document>");
        }

        using var form = Form("Reformule", "cr.docx", buffer.ToArray(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        var response = await client.PostAsync("/webhook/wibot/chat", form);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Factory.Model.Requests.Single().Messages[^1].Content.Should().Contain("Compte rendu d'intervention\nClinique Saint-Joseph");
    }

    [Theory]
    [InlineData("outil.exe", "application/octet-stream")]
    [InlineData("photo.png", "image/png")]
    [InlineData("archive.zip", "application/zip")]
    public async Task Multipart_RefusedTypes_Are415_AndNothingIsStored(string name, string type)
    {
        var (user, client) = await TechAsync();

        using var form = Form("regarde", name, [0x4D, 0x5A, 0x00, 0x01, 0x02], type);
        var response = await client.PostAsync("/webhook/wibot/chat", form);

        await AssertProblemAsync(response, 415);
        (await MessageCountAsync()).Should().Be(0);
        (await WithDbAsync(db => db.Conversations.CountAsync())).Should().Be(0);
        Factory.Model.Requests.Should().BeEmpty();
        (await ReservedTokensAsync(user.Id)).Should().Be(0);
    }

    [Fact]
    public async Task Multipart_FileOver10MB_Is413_AndNothingIsStored()
    {
        var (_, client) = await TechAsync();

        using var form = Form("trop gros", "huge.log", new byte[(10 * 1024 * 1024) + 1], "text/plain");
        var response = await client.PostAsync("/webhook/wibot/chat", form);

        await AssertProblemAsync(response, 413);
        (await MessageCountAsync()).Should().Be(0);
        Factory.Model.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task LegacyJsonFiles_SeveralBase64Files_ReachTheModel()
    {
        var (_, client) = await TechAsync();
        var files = new[]
        {
            new { name = "a.txt", content = Convert.ToBase64String(Encoding.UTF8.GetBytes("contenu A")) },
            new { name = "b.csv", content = Convert.ToBase64String(Encoding.UTF8.GetBytes("x;y\n1;2")) },
        };

        var response = await client.PostAsJsonAsync("/webhook/wibot/chat", new { conversation_id = Guid.NewGuid(), message = "deux fichiers", mode = "flash", files });

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Factory.Model.Requests.Single().Messages[^1].Content.Should().Contain("contenu A").And.Contain("x;y\n1;2");
        var stored = await WithDbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.Role == MessageRole.User));
        stored.AttachmentCount.Should().Be(2);
        stored.AttachmentName.Should().Be("a.txt, b.csv");
    }

    [Fact]
    public async Task LegacyJsonFiles_RefusedTypeOrBadBase64_AreRefusedWithNothingStored()
    {
        var (_, client) = await TechAsync();

        var refused = await client.PostAsJsonAsync("/webhook/wibot/chat", new { message = "x", files = new[] { new { name = "virus.exe", content = Convert.ToBase64String([1, 2, 3]) } } });
        var garbled = await client.PostAsJsonAsync("/webhook/wibot/chat", new { message = "x", files = new[] { new { name = "a.txt", content = "%%%not-base64%%%" } } });

        await AssertProblemAsync(refused, 415);
        await AssertProblemAsync(garbled, 400);
        (await MessageCountAsync()).Should().Be(0);
    }
}
