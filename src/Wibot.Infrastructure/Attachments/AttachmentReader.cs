using System.IO.Compression;
using System.Text;
using System.Xml;
using UglyToad.PdfPig;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Infrastructure.Attachments;

/// <summary>Reads text files, code, PDF and DOCX into plain text for the model.</summary>
internal sealed class AttachmentReader : IAttachmentReader
{
    public const long Limit = 10L * 1024 * 1024;
    private const int MaxTextChars = 200_000;

    private static readonly Dictionary<string, string> TextTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = "text/plain", [".log"] = "text/plain", [".md"] = "text/markdown", [".markdown"] = "text/markdown",
        [".csv"] = "text/csv", [".tsv"] = "text/tab-separated-values", [".json"] = "application/json", [".xml"] = "application/xml",
        [".yaml"] = "application/yaml", [".yml"] = "application/yaml", [".ini"] = "text/plain", [".conf"] = "text/plain",
        [".cfg"] = "text/plain", [".toml"] = "text/plain", [".env"] = "text/plain", [".properties"] = "text/plain",
        [".cs"] = "text/x-csharp", [".js"] = "text/javascript", [".ts"] = "text/typescript", [".tsx"] = "text/typescript",
        [".jsx"] = "text/javascript", [".py"] = "text/x-python", [".sh"] = "text/x-shellscript", [".bash"] = "text/x-shellscript",
        [".ps1"] = "text/x-powershell", [".psm1"] = "text/x-powershell", [".bat"] = "text/plain", [".cmd"] = "text/plain",
        [".sql"] = "application/sql", [".java"] = "text/x-java", [".go"] = "text/x-go", [".rb"] = "text/x-ruby",
        [".php"] = "text/x-php", [".c"] = "text/x-c", [".h"] = "text/x-c", [".cpp"] = "text/x-c++", [".hpp"] = "text/x-c++",
        [".rs"] = "text/x-rust", [".kt"] = "text/x-kotlin", [".swift"] = "text/x-swift", [".vb"] = "text/plain",
        [".html"] = "text/html", [".htm"] = "text/html", [".css"] = "text/css", [".scss"] = "text/css", [".vue"] = "text/plain",
        [".dockerfile"] = "text/plain", [".tf"] = "text/plain", [".reg"] = "text/plain", [".eml"] = "message/rfc822",
    };

    public long MaxBytes => Limit;

    public AttachmentText Read(ChatAttachment attachment)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        var name = Path.GetFileName(attachment.FileName ?? string.Empty);
        if (string.IsNullOrWhiteSpace(name))
        {
            name = "piece-jointe";
        }

        if (attachment.Content.Length > Limit)
        {
            throw new AttachmentRejectedException($"The file '{name}' exceeds the 10 MB limit.", tooLarge: true);
        }

        var bytes = attachment.Content.Span;
        var extension = Path.GetExtension(name);
        var isPdf = extension.Equals(".pdf", StringComparison.OrdinalIgnoreCase) || StartsWith(bytes, "%PDF-"u8);
        if (isPdf)
        {
            return Cut(name, "application/pdf", ReadPdf(name, attachment.Content));
        }

        if (extension.Equals(".docx", StringComparison.OrdinalIgnoreCase))
        {
            return Cut(name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ReadDocx(name, attachment.Content));
        }

        var textual = TextTypes.TryGetValue(extension, out var mediaType)
            || (extension.Length == 0 && attachment.ContentType is { } ct && ct.StartsWith("text/", StringComparison.OrdinalIgnoreCase));
        if (!textual)
        {
            throw new AttachmentRejectedException($"Files of type '{(extension.Length == 0 ? attachment.ContentType : extension)}' are not accepted. Send text, code, PDF or DOCX.", tooLarge: false);
        }

        if (bytes.IndexOf((byte)0) >= 0 && !HasUtf16Bom(bytes))
        {
            throw new AttachmentRejectedException($"The file '{name}' is binary, not text.", tooLarge: false);
        }

        return Cut(name, mediaType ?? "text/plain", DecodeText(bytes));
    }

    private static AttachmentText Cut(string name, string mediaType, string text)
    {
        var truncated = text.Length > MaxTextChars;
        return new AttachmentText(name, mediaType, truncated ? text[..MaxTextChars] : text, truncated);
    }

    private static bool StartsWith(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> prefix) => bytes.Length >= prefix.Length && bytes[..prefix.Length].SequenceEqual(prefix);

    private static bool HasUtf16Bom(ReadOnlySpan<byte> bytes) => bytes.Length >= 2 && ((bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF));

    private static string DecodeText(ReadOnlySpan<byte> bytes)
    {
        if (HasUtf16Bom(bytes))
        {
            return (bytes[0] == 0xFF ? Encoding.Unicode : Encoding.BigEndianUnicode).GetString(bytes[2..]);
        }

        if (StartsWith(bytes, [0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            // Windows logs are often in Windows-1252; Latin-1 keeps every byte readable.
            return Encoding.Latin1.GetString(bytes);
        }
    }

    private static string ReadPdf(string name, ReadOnlyMemory<byte> content)
    {
        try
        {
            using var document = PdfDocument.Open(content.ToArray());
            var sb = new StringBuilder();
            foreach (var page in document.GetPages())
            {
                sb.Append(page.Text).Append('\n');
                if (sb.Length > MaxTextChars)
                {
                    break;
                }
            }

            return sb.ToString();
        }
        catch (Exception ex) when (ex is not AttachmentRejectedException)
        {
            throw new AttachmentRejectedException($"The PDF '{name}' could not be read.", tooLarge: false);
        }
    }

    private static string ReadDocx(string name, ReadOnlyMemory<byte> content)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content.ToArray(), writable: false), ZipArchiveMode.Read);
            var entry = zip.GetEntry("word/document.xml") ?? throw new InvalidDataException("No document part.");
            using var stream = entry.Open();
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            var sb = new StringBuilder();
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "t")
                {
                    sb.Append(reader.ReadElementContentAsString());
                }
                else if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "tab")
                {
                    sb.Append('\t');
                }
                else if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "p")
                {
                    sb.Append('\n');
                }

                if (sb.Length > MaxTextChars)
                {
                    break;
                }
            }

            return sb.ToString();
        }
        catch (Exception ex) when (ex is InvalidDataException or XmlException or IOException)
        {
            throw new AttachmentRejectedException($"The Word document '{name}' could not be read.", tooLarge: false);
        }
    }
}
