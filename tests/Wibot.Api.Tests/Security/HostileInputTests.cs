using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using Wibot.Api.Tests.Chat;
using Wibot.Api.Tests.Infrastructure;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Infrastructure.Attachments;

namespace Wibot.Api.Tests.Security;

/// <summary>The limits of trust.md that hold under hostile input: text PostgreSQL cannot store, bounded dates, bounded extraction.</summary>
public sealed class HostileInputTests(WibotFactory factory) : ChatTestBase(factory)
{
    private static StringContent Json(string raw) => new(raw, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Chat_WithANulCharacter_Is400_AndNothingIsStoredNorSent_JsonAndStream()
    {
        var (user, client) = await TechAsync();

        await AssertProblemAsync(await client.PostAsync("/webhook/wibot/chat", Json("{\"message\":\"mot de passe\\u0000oublié\",\"mode\":\"flash\"}")), 400);

        using var stream = new HttpRequestMessage(HttpMethod.Post, "/webhook/wibot/chat") { Content = Json("{\"message\":\"a\\u0000b\"}") };
        stream.Headers.Accept.ParseAdd("text/event-stream");
        await AssertProblemAsync(await client.SendAsync(stream), 400);

        using var form = new MultipartFormDataContent { { new StringContent("bonjour\0"), "message" } };
        await AssertProblemAsync(await client.PostAsync("/webhook/wibot/chat", form), 400);

        (await MessageCountAsync()).Should().Be(0);
        (await WithDbAsync(db => db.Conversations.CountAsync())).Should().Be(0);
        Factory.Model.Requests.Should().BeEmpty();
        (await ReservedTokensAsync(user.Id)).Should().Be(0);
    }

    [Fact]
    public async Task ConversationTitle_WithANulCharacter_Is400_OnCreateAndRename()
    {
        var (user, client) = await TechAsync();
        var existing = await SeedConversationAsync(user.Id, "avant", DateTimeOffset.UtcNow);

        var created = await client.PostAsync("/webhook/wibot/conversations", Json("{\"title\":\"\\u0000\"}"));
        await AssertProblemAsync(created, 400);
        (await ReadJsonAsync(created)).GetProperty("errors").TryGetProperty("title", out _).Should().BeTrue();
        await AssertProblemAsync(await client.PutAsync($"/webhook/wibot/conversations/{existing.Id}", Json("{\"title\":\"x\\u0000y\"}")), 400);

        var titles = await WithDbAsync(db => db.Conversations.Select(c => c.Title).ToListAsync());
        titles.Should().Equal("avant");
    }

    [Fact]
    public async Task SafeguardArguments_WithANulCharacter_Are400_NotA500()
    {
        await CreateUserAsync("sg.admin", role: Domain.Users.UserRole.Admin, level: Domain.Users.AccreditationLevel.N4);
        using var admin = ClientWithToken(await LoginAsync("sg.admin"));
        var key = await ReadJsonAsync(await admin.PostAsync("/webhook/wibot/admin/api-keys", Json("{\"name\":\"mcp\"}")));
        using var tool = WithAddress(Factory.CreateClient(), NewClientAddress());
        tool.DefaultRequestHeaders.Add("X-Api-Key", key.GetProperty("key").GetString());

        var body = "{\"tool\":\"ad_reset_password\",\"arguments\":{\"user\":\"a\\u0000b\"},\"level\":\"L1\",\"reason\":\"r\"}";
        await AssertProblemAsync(await tool.PostAsync("/webhook/wibot/safeguard/requests", Json(body)), 400);
        await AssertProblemAsync(await tool.PostAsync("/webhook/wibot/safeguard/requests", Json("{\"tool\":\"t\",\"arguments\":{\"k\\u0000\":1},\"level\":\"L1\",\"reason\":\"r\"}")), 400);
        (await WithDbAsync(db => db.SafeguardRequests.CountAsync())).Should().Be(0);
    }

    [Theory]
    [InlineData("/webhook/wibot/analytics?from=2026-01-01&to=9999-12-31")]
    [InlineData("/webhook/wibot/analytics?from=0001-01-01&to=2026-12-31")]
    [InlineData("/webhook/wibot/analytics?from=0001-01-01T00:00:00Z")]
    [InlineData("/webhook/wibot/conversations?before=9999-12-31T23:59:59Z")]
    [InlineData("/webhook/wibot/conversations?before=0001-01-01")]
    public async Task BoundaryDates_Are400(string path)
    {
        await CreateUserAsync("dates.admin", role: Domain.Users.UserRole.Admin, level: Domain.Users.AccreditationLevel.N4);
        using var admin = ClientWithToken(await LoginAsync("dates.admin"));

        await AssertProblemAsync(await admin.GetAsync(path), 400);
    }

    [Fact]
    public async Task Docx_ZipBomb_Is413_WithoutTheModelBeingCalled()
    {
        var (user, client) = await TechAsync();
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            var entry = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize);
            using var w = new StreamWriter(entry.Open());
            w.Write("<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>");
            var block = new string('A', 1 << 20);
            for (var i = 0; i < 100; i++)
            {
                w.Write(block);
            }

            w.Write("</w:t></w:r></w:p></w:body></w:document>");
        }

        buffer.Length.Should().BeLessThan(2 * 1024 * 1024, "the bomb is small on the wire");
        using var form = new MultipartFormDataContent { { new StringContent("résume"), "message" } };
        var file = new ByteArrayContent(buffer.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
        form.Add(file, "file", "bombe.docx");

        var response = await client.PostAsync("/webhook/wibot/chat", form);

        await AssertProblemAsync(response, 413);
        Factory.Model.Requests.Should().BeEmpty();
        (await MessageCountAsync()).Should().Be(0);
        (await ReservedTokensAsync(user.Id)).Should().Be(0);
    }

    [Fact]
    public async Task Pdf_PagesPastTheBound_AreLeftOut_AndTheTextIsMarkedTruncated()
    {
        var (_, client) = await TechAsync();
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        for (var n = 1; n <= 501; n++)
        {
            builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4).AddText($"PAGE-{n:D3}-FIN", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 700), font);
        }

        using var form = new MultipartFormDataContent { { new StringContent("résume"), "message" } };
        var file = new ByteArrayContent(builder.Build());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", "long.pdf");

        var response = await client.PostAsync("/webhook/wibot/chat", form);

        response.IsSuccessStatusCode.Should().BeTrue(await response.Content.ReadAsStringAsync());
        var sent = Factory.Model.Requests.Single().Messages[^1].Content;
        sent.Should().Contain("PAGE-001-FIN").And.Contain("PAGE-500-FIN").And.NotContain("PAGE-501-FIN");
    }

    [Fact]
    public void Extraction_PastItsTimeBound_IsRefusedAsUnprocessable()
    {
        var reader = new AttachmentReader(Options.Create(new AttachmentOptions { TimeoutSeconds = -1 }));
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4).AddText("lent", 12, new UglyToad.PdfPig.Core.PdfPoint(50, 700), font);

        var act = () => reader.Read(new ChatAttachment("lent.pdf", "application/pdf", builder.Build()));

        act.Should().Throw<AttachmentRejectedException>().Which.Refusal.Should().Be(AttachmentRefusal.Unprocessable);
    }

    [Fact]
    public void Docx_ExpandingPastTheBound_IsRefusedAsTooLarge()
    {
        var reader = new AttachmentReader(Options.Create(new AttachmentOptions { MaxExpandedBytes = 1024 }));
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var w = new StreamWriter(zip.CreateEntry("word/document.xml").Open());
            w.Write("<w:document xmlns:w=\"x\"><w:body><w:p><w:r><w:t>" + new string('b', 4096) + "</w:t></w:r></w:p></w:body></w:document>");
        }

        var act = () => reader.Read(new ChatAttachment("cr.docx", null, buffer.ToArray()));

        act.Should().Throw<AttachmentRejectedException>().Which.Refusal.Should().Be(AttachmentRefusal.TooLarge);
    }
}
