using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Options;
using UglyToad.PdfPig;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;

namespace Wibot.Infrastructure.Attachments;

/// <summary>Reads text files, code, PDF and DOCX into plain text for the model.</summary>
internal sealed class AttachmentReader(IOptions<AttachmentOptions> options) : IAttachmentReader
{
    public const long Limit = 10L * 1024 * 1024;

    private readonly AttachmentOptions _options = options.Value;

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
            var (text, pagesLeftOut) = ReadPdf(name, attachment.Content);
            return Cut(name, "application/pdf", text, pagesLeftOut);
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

    private AttachmentText Cut(string name, string mediaType, string text, bool cutAlready = false)
    {
        var truncated = cutAlready || text.Length > _options.MaxChars;
        return new AttachmentText(name, mediaType, text.Length > _options.MaxChars ? text[.._options.MaxChars] : text, truncated);
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

    private (string Text, bool PagesLeftOut) ReadPdf(string name, ReadOnlyMemory<byte> content)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var document = PdfDocument.Open(content.ToArray(), new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
            var sb = new StringBuilder();
            var pages = Math.Min(document.NumberOfPages, _options.MaxPages);
            for (var number = 1; number <= pages && sb.Length <= _options.MaxChars; number++)
            {
                sb.Append(document.GetPage(number).Text).Append('\n');
                CheckTime(name, clock);
            }

            return (sb.ToString(), document.NumberOfPages > pages);
        }
        catch (Exception ex) when (ex is not AttachmentRejectedException and not OutOfMemoryException)
        {
            throw new AttachmentRejectedException($"The PDF '{name}' could not be read.", tooLarge: false);
        }
    }

    private string ReadDocx(string name, ReadOnlyMemory<byte> content)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            using var zip = new ZipArchive(new MemoryStream(content.ToArray(), writable: false), ZipArchiveMode.Read);

            // What the archive declares first (cheap), then what it really expands to while reading (headers can lie).
            long declared = 0;
            foreach (var e in zip.Entries)
            {
                declared += e.Length;
                if (declared > _options.MaxExpandedBytes)
                {
                    throw ZipBomb(name);
                }
            }

            var entry = zip.GetEntry("word/document.xml") ?? throw new InvalidDataException("No document part.");
            using var stream = new BoundedReadStream(entry.Open(), _options.MaxExpandedBytes, () => ZipBomb(name));
            using var reader = XmlReader.Create(stream, new XmlReaderSettings
            {
                DtdProcessing = DtdProcessing.Prohibit,
                XmlResolver = null,
                MaxCharactersInDocument = _options.MaxExpandedBytes,
                IgnoreComments = true,
                IgnoreProcessingInstructions = true,
            });
            var sb = new StringBuilder();
            var inText = false;
            var nodes = 0;
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element when reader.LocalName == "t":
                        inText = !reader.IsEmptyElement;
                        break;
                    case XmlNodeType.EndElement when reader.LocalName == "t":
                        inText = false;
                        break;
                    case XmlNodeType.Text or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace or XmlNodeType.CDATA when inText:
                        sb.Append(reader.Value);
                        break;
                    case XmlNodeType.Element when reader.LocalName == "tab":
                        sb.Append('\t');
                        break;
                    case XmlNodeType.EndElement when reader.LocalName == "p":
                        sb.Append('\n');
                        break;
                }

                if (sb.Length > _options.MaxChars)
                {
                    break;
                }

                if (++nodes % 1024 == 0)
                {
                    CheckTime(name, clock);
                }
            }

            return sb.ToString();
        }
        catch (Exception ex) when (ex is InvalidDataException or XmlException or IOException or NotSupportedException)
        {
            throw new AttachmentRejectedException($"The Word document '{name}' could not be read.", tooLarge: false);
        }
    }

    private static AttachmentRejectedException ZipBomb(string name) =>
        new($"The Word document '{name}' expands past the allowed size once decompressed.", AttachmentRefusal.TooLarge);

    private void CheckTime(string name, Stopwatch clock)
    {
        if (clock.Elapsed.TotalSeconds > _options.TimeoutSeconds)
        {
            throw new AttachmentRejectedException(
                $"The text of '{name}' could not be extracted within {_options.TimeoutSeconds} seconds.", AttachmentRefusal.Unprocessable);
        }
    }

    /// <summary>Reads at most <c>limit</c> bytes from the inner stream; one more is refused.</summary>
    private sealed class BoundedReadStream(Stream inner, long limit, Func<Exception> onExceeded) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            _read += n;
            if (_read > limit)
            {
                throw onExceeded();
            }

            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
