using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;

namespace Wibot.Infrastructure.Rag;

public sealed record ParsedChunk(string Heading, string Content);

public sealed record ParsedDocument(string Title, string Type, IReadOnlyList<string> Tags, string? Client, string Description, IReadOnlyList<ParsedChunk> Chunks);

/// <summary>
/// Reads a knowledge-base file: the guide's format (# title, ## Metadata, ## Contenu), plain Markdown
/// with YAML front matter, or DokuWiki pages; splits it along headings into bounded, overlapping chunks
/// that keep their heading path.
/// </summary>
public static partial class DocumentParser
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePreciseSourceLocation().Build();

    public static ParsedDocument Parse(string relativePath, string text, int chunkChars = 1200, int overlapChars = 150)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        ArgumentNullException.ThrowIfNull(text);
        chunkChars = Math.Max(300, chunkChars);
        overlapChars = Math.Clamp(overlapChars, 0, chunkChars / 3);

        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').TrimStart('\uFEFF');
        var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        text = StripFrontMatter(text, meta);
        var tags = new List<string>();
        text = HtmlComment().Replace(text, string.Empty);
        text = TwigStatement().Replace(text, string.Empty);
        var isDokuWiki = LooksLikeDokuWiki(text);
        if (isDokuWiki)
        {
            text = ConvertDokuWiki(text, tags);
        }

        var markdown = Markdown.Parse(text, Pipeline);
        string? title = meta.GetValueOrDefault("title");
        var sections = new List<(string Heading, StringBuilder Body)>();
        var path = new List<(int Level, string Text)>();
        var inMetadata = false;
        var current = new StringBuilder();
        sections.Add((string.Empty, current));

        foreach (var block in markdown)
        {
            if (block is ThematicBreakBlock or LinkReferenceDefinitionGroup)
            {
                continue;
            }

            var source = Slice(text, block);
            if (block is HeadingBlock heading)
            {
                var headingText = CleanInline(HeadingText(source));
                if (title is null && heading.Level == 1 && sections.Count == 1 && headingText.Any(char.IsLetter))
                {
                    title = headingText;
                    continue;
                }

                var normalized = Fold(headingText);
                inMetadata = normalized is "metadata" or "metadonnees" or "meta-donnees" or "metadonnee";
                if (inMetadata || normalized is "contenu" or "content")
                {
                    continue;
                }

                while (path.Count > 0 && path[^1].Level >= heading.Level)
                {
                    path.RemoveAt(path.Count - 1);
                }

                path.Add((heading.Level, headingText));
                current = new StringBuilder();
                sections.Add((string.Join(" > ", path.Select(p => p.Text)), current));
                continue;
            }

            if (inMetadata)
            {
                ReadMetadata(source, meta);
                continue;
            }

            var cleaned = block is FencedCodeBlock or CodeBlock ? CleanCode(source) : CleanBlock(source, isDokuWiki);
            if (cleaned.Length > 0)
            {
                current.Append(cleaned).Append("\n\n");
            }
        }

        title = string.IsNullOrWhiteSpace(title) ? TitleFromPath(relativePath) : CleanInline(title);
        foreach (var key in (string[])["tags", "keywords"])
        {
            if (meta.TryGetValue(key, out var metaTags))
            {
                tags.AddRange(SplitTags(metaTags));
            }
        }

        var type = meta.TryGetValue("type", out var t) && !string.IsNullOrWhiteSpace(t) ? Fold(t.Trim()) : TypeFromPath(relativePath);
        var client = meta.TryGetValue("client", out var c) ? CleanClient(c) : null;
        var description = meta.GetValueOrDefault("description") ?? string.Empty;

        var chunks = new List<ParsedChunk>();
        foreach (var (heading, body) in sections)
        {
            Split(heading, body.ToString().Trim(), chunkChars, overlapChars, chunks);
        }

        if (chunks.Count == 0)
        {
            chunks.Add(new ParsedChunk(string.Empty, title));
        }

        tags = tags.Select(CleanInline).Where(t => t.Length > 0).ToList();
        return new ParsedDocument(title, type, tags.Distinct(StringComparer.OrdinalIgnoreCase).ToList(), client, CleanInline(description), chunks);
    }

    private static string Slice(string text, Block block)
    {
        var start = Math.Clamp(block.Span.Start, 0, text.Length);
        var end = Math.Clamp(block.Span.End + 1, start, text.Length);
        return text[start..end];
    }

    private static string HeadingText(string source)
    {
        var line = source.Trim();
        var firstLine = line.Split('\n')[0];
        if (firstLine.StartsWith('#'))
        {
            return firstLine.TrimStart('#').TrimEnd('#').Trim();
        }

        return firstLine.Trim(); // setext heading: the text line above the underline
    }

    private static string StripFrontMatter(string text, Dictionary<string, string> meta)
    {
        if (!text.StartsWith("---\n", StringComparison.Ordinal))
        {
            return text;
        }

        var end = text.IndexOf("\n---", 4, StringComparison.Ordinal);
        if (end < 0)
        {
            return text;
        }

        var lineEnd = text.IndexOf('\n', end + 4);
        string? key = null;
        var blockScalar = false;
        foreach (var line in text[4..end].Split('\n'))
        {
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (char.IsWhiteSpace(line[0]))
            {
                // Nested YAML: list items and folded text of the key above, tags under a taxonomy; the rest is not needed.
                var item = line.Trim();
                if (key is not null && blockScalar)
                {
                    meta[key] = (meta.GetValueOrDefault(key) + " " + item).Trim();
                }
                else if (key is not null && item.StartsWith("- ", StringComparison.Ordinal))
                {
                    AppendMeta(meta, key, item[2..]);
                }
                else if (item.IndexOf(':', StringComparison.Ordinal) is var c && c > 0 && Fold(item[..c]) is "tag" or "tags" or "keywords")
                {
                    AppendMeta(meta, "tags", item[(c + 1)..]);
                }

                continue;
            }

            key = null;
            blockScalar = false;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                key = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                if (value is ">" or "|" or ">-" or "|-" or ">+" or "|+")
                {
                    blockScalar = true;
                    continue;
                }

                value = value.Trim('"', '\'');
                if (value.Length > 0)
                {
                    meta[key] = value;
                }
            }
        }

        return lineEnd < 0 ? string.Empty : text[(lineEnd + 1)..];
    }

    private static void AppendMeta(Dictionary<string, string> meta, string key, string value)
    {
        value = value.Trim().Trim('"', '\'');
        if (value.Length > 0)
        {
            meta[key] = meta.TryGetValue(key, out var previous) && previous.Length > 0 ? previous + ", " + value : value;
        }
    }

    private static bool LooksLikeDokuWiki(string text) => DokuHeading().IsMatch(text) || text.Contains("{{tag>", StringComparison.Ordinal);

    /// <summary>
    /// DokuWiki pages: ====== headings ======, {{tag>…}}, &lt;code&gt;/&lt;file&gt; blocks (made Markdown code blocks, so that
    /// a shell comment is not read as a heading), [[links|labels]], %%raw%%.
    /// </summary>
    private static string ConvertDokuWiki(string text, List<string> tags)
    {
        text = DokuCodeBlock().Replace(text, m =>
        {
            var body = m.Groups[2].Value;
            if (!body.Contains('\n', StringComparison.Ordinal))
            {
                return m.Value; // inline <code>: kept in the sentence
            }

            var longest = BacktickRun().Matches(body).Select(x => x.Length).DefaultIfEmpty(0).Max();
            var fence = new string('`', Math.Max(3, longest + 1));
            return "\n" + fence + "\n" + body.Trim('\n') + "\n" + fence + "\n";
        });
        text = DokuTags().Replace(text, m =>
        {
            tags.AddRange(m.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(x => x.Replace('_', ' ')));
            return string.Empty;
        });
        return DokuHeading().Replace(text, m =>
        {
            var level = Math.Clamp(7 - Math.Min(6, m.Groups[1].Value.Length), 1, 6);
            return new string('#', level) + " " + m.Groups[2].Value.Trim();
        });
    }

    private static void ReadMetadata(string source, Dictionary<string, string> meta)
    {
        foreach (var raw in source.Split('\n'))
        {
            var line = raw.Trim().TrimStart('-', '*', '+').Trim().Replace("**", string.Empty, StringComparison.Ordinal);
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = Fold(line[..colon].Trim());
            var value = line[(colon + 1)..].Trim();
            var name = key switch
            {
                "type" or "categorie" or "category" => "type",
                "tags" or "mots-cles" or "mots cles" or "keywords" => "tags",
                "client" or "clients" or "etablissement" => "client",
                _ => null,
            };
            if (name is not null && value.Length > 0)
            {
                meta[name] = value;
            }
        }
    }

    private static void Split(string heading, string body, int chunkChars, int overlapChars, List<ParsedChunk> chunks)
    {
        if (body.Length == 0)
        {
            return;
        }

        var pieces = new List<string>();
        foreach (var paragraph in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (paragraph.Length <= chunkChars)
            {
                pieces.Add(paragraph);
                continue;
            }

            // A long paragraph, list or code block: cut at line ends, then at sentence or word ends.
            var sb = new StringBuilder();
            foreach (var unit in SplitLong(paragraph, chunkChars))
            {
                if (sb.Length + unit.Length + 1 > chunkChars && sb.Length > 0)
                {
                    pieces.Add(sb.ToString());
                    sb.Clear();
                }

                sb.Append(unit).Append('\n');
            }

            if (sb.Length > 0)
            {
                pieces.Add(sb.ToString().TrimEnd());
            }
        }

        var chunk = new StringBuilder();
        foreach (var piece in pieces)
        {
            if (chunk.Length > 0 && chunk.Length + piece.Length + 2 > chunkChars)
            {
                var done = chunk.ToString().TrimEnd();
                chunks.Add(new ParsedChunk(heading, done));
                chunk.Clear();
                var overlap = Tail(done, overlapChars);
                if (overlap.Length > 0)
                {
                    chunk.Append("… ").Append(overlap).Append("\n\n");
                }
            }

            chunk.Append(piece).Append("\n\n");
        }

        var last = chunk.ToString().TrimEnd();
        if (last.Length > 0)
        {
            chunks.Add(new ParsedChunk(heading, last));
        }
    }

    private static IEnumerable<string> SplitLong(string paragraph, int max)
    {
        foreach (var line in paragraph.Split('\n'))
        {
            if (line.Length <= max)
            {
                yield return line;
                continue;
            }

            var rest = line;
            while (rest.Length > max)
            {
                var cut = rest.LastIndexOf(". ", max, StringComparison.Ordinal);
                if (cut < max / 2)
                {
                    cut = rest.LastIndexOf(' ', max);
                }

                if (cut < max / 2)
                {
                    cut = max;
                }

                yield return rest[..(cut + 1)].Trim();
                rest = rest[(cut + 1)..];
            }

            if (rest.Trim().Length > 0)
            {
                yield return rest.Trim();
            }
        }
    }

    private static string Tail(string text, int chars)
    {
        if (chars <= 0 || text.Length <= chars)
        {
            return chars <= 0 ? string.Empty : text;
        }

        var start = text.Length - chars;
        var space = text.IndexOf(' ', start);
        return space < 0 ? text[start..] : text[(space + 1)..];
    }

    /// <summary>Keeps the words, drops the markup: links, images, HTML tags, Grav/DocFX/DokuWiki notices and shortcodes.</summary>
    private static string CleanBlock(string source, bool dokuWiki = false)
    {
        var s = source;
        s = DocFxInclude().Replace(s, string.Empty);
        s = DocFxColons().Replace(s, m => m.Groups[1].Value);
        s = MdImage().Replace(s, "$1");
        s = MdLink().Replace(s, "$1");
        s = DokuLink().Replace(s, m => m.Groups[2].Success && m.Groups[2].Value.Trim().Length > 0 ? m.Groups[2].Value : LinkTarget(m.Groups[1].Value));
        s = DokuMedia().Replace(s, m => m.Groups[1].Value.Trim());
        s = HtmlTag().Replace(s, string.Empty);
        s = s.Replace("%%", string.Empty, StringComparison.Ordinal);
        s = GravShortcode().Replace(s, string.Empty);
        s = GravNotice().Replace(s, string.Empty);
        s = DocFxNote().Replace(s, string.Empty);
        s = s.Replace("~~NOTOC~~", string.Empty, StringComparison.Ordinal).Replace("~~NOCACHE~~", string.Empty, StringComparison.Ordinal);
        if (dokuWiki)
        {
            s = DokuItalic().Replace(s, string.Empty);
            s = s.Replace("\\\\ ", "\n", StringComparison.Ordinal).Replace("\\\\\n", "\n", StringComparison.Ordinal).Replace("''", string.Empty, StringComparison.Ordinal);
            s = DokuTableBar().Replace(s, " ");
        }

        return BlankLines().Replace(s, "\n").Trim();
    }

    /// <summary>Code is kept as it is (commands and settings are searched for), without its fences.</summary>
    private static string CleanCode(string source)
    {
        var lines = source.Split('\n').ToList();
        if (lines.Count > 0 && (lines[0].TrimStart().StartsWith("```", StringComparison.Ordinal) || lines[0].TrimStart().StartsWith("~~~", StringComparison.Ordinal)))
        {
            lines.RemoveAt(0);
            if (lines.Count > 0 && (lines[^1].Trim().StartsWith("```", StringComparison.Ordinal) || lines[^1].Trim().StartsWith("~~~", StringComparison.Ordinal)))
            {
                lines.RemoveAt(lines.Count - 1);
            }
        }

        return string.Join('\n', lines).Trim('\n').TrimEnd();
    }

    /// <summary>A link without a label: its target's words ("wpfr>Domain Name System", ":tutoriel:comment_installer" → words).</summary>
    private static string LinkTarget(string target)
    {
        var t = target.Trim();
        var hash = t.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0 && !t.StartsWith('#'))
        {
            t = t[..hash];
        }

        if (t.Contains("://", StringComparison.Ordinal))
        {
            return t;
        }

        var interwiki = t.IndexOf('>', StringComparison.Ordinal);
        if (interwiki >= 0)
        {
            t = t[(interwiki + 1)..];
        }

        return t.TrimStart(':', '#').Replace(':', ' ').Replace('_', ' ').Trim();
    }

    private static string CleanInline(string text) => CleanBlock(text).Replace("**", string.Empty, StringComparison.Ordinal).Replace("`", string.Empty, StringComparison.Ordinal).Trim();

    private static string? CleanClient(string value)
    {
        var v = value.Trim().Trim('(', ')', '-', '—').Trim();
        var folded = Fold(v);
        return v.Length == 0 || folded is "tous" or "aucun" or "n/a" or "na" or "none" or "-" or "si applicable" or "(si applicable)" or "tous les clients" ? null : v;
    }

    private static IEnumerable<string> SplitTags(string value) =>
        value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(t => t.Trim('[', ']', ' ', '"', '\'', '#')).Where(t => t.Length > 0);

    private static string TitleFromPath(string relativePath)
    {
        var name = Path.GetFileNameWithoutExtension(relativePath);
        if (name.EndsWith(".fr", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^3];
        }

        return name.Replace('_', ' ').Replace('-', ' ').Trim();
    }

    private static string TypeFromPath(string relativePath)
    {
        var folder = relativePath.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries) is { Length: > 1 } parts ? Fold(parts[0]) : string.Empty;
        return folder switch
        {
            "procedures" or "procedure" => "procedure",
            "clients" or "client" => "client",
            "documentation" or "docs" or "doc" => "documentation",
            "tickets" or "ticket" => "ticket",
            "" => "document",
            _ => folder,
        };
    }

    /// <summary>Lower case without accents, for comparing labels.</summary>
    public static string Fold(string value)
    {
        var decomposed = value.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(ch);
            }
        }

        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    [GeneratedRegex(@"^(={2,})[ \t]*([^=\n].*?)[ \t]*={2,}[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex DokuHeading();

    [GeneratedRegex(@"\{\{tag>([^}]*)\}\}")]
    private static partial Regex DokuTags();

    [GeneratedRegex(@"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]")]
    private static partial Regex DokuLink();

    [GeneratedRegex(@"\{\{[^}|]*(?:\|([^}]*))?\}\}")]
    private static partial Regex DokuMedia();

    [GeneratedRegex(@"<(code|file)\b[^>\n]*>(.*?)</\1>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex DokuCodeBlock();

    [GeneratedRegex(@"`{3,}")]
    private static partial Regex BacktickRun();

    [GeneratedRegex(@"(?<![:/\w])//(?=\S)|(?<=\S)//(?![/\w])")]
    private static partial Regex DokuItalic();

    [GeneratedRegex(@"^[ \t]*[\^|]|[\^|][ \t]*$|[ \t][\^|][ \t]", RegexOptions.Multiline)]
    private static partial Regex DokuTableBar();

    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex HtmlComment();

    [GeneratedRegex(@"\{%.*?%\}|\{#.*?#\}", RegexOptions.Singleline)]
    private static partial Regex TwigStatement();

    [GeneratedRegex(@"^[ \t]*!{2,4}[ \t]?", RegexOptions.Multiline)]
    private static partial Regex GravNotice();

    [GeneratedRegex(@"\[!(?:INCLUDE|div)[^\]]*\](?:\([^)]*\))?\]?", RegexOptions.IgnoreCase)]
    private static partial Regex DocFxInclude();

    /// <summary>DocFX ":::image ... alt-text="…":::" and ":::zone …" lines: only the alternative text is kept.</summary>
    [GeneratedRegex(@"^[ \t]*:::(?:[^\n]*?alt-text=""([^""]*)"")?[^\n]*$", RegexOptions.Multiline)]
    private static partial Regex DocFxColons();

    [GeneratedRegex(@"\n[ \t]*(?:\n[ \t]*)+")]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"!\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex MdImage();

    [GeneratedRegex(@"\[([^\]]+)\]\([^)]*\)")]
    private static partial Regex MdLink();

    [GeneratedRegex(@"</?[A-Za-z][^>\n]{0,200}>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"\[/?(?:div|ui-tabs|ui-tab|center|columns|column|fa|figure|details|notice|section|size|color|prism|mark|g-[a-z-]+)(?:[ =\]][^\]]*)?\]")]
    private static partial Regex GravShortcode();

    [GeneratedRegex(@"^[ \t]*>?[ \t]*\[!(?:NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*$", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex DocFxNote();
}
