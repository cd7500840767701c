using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;

namespace Wibot.Infrastructure.Rag;

/// <summary>
/// The document index in PostgreSQL: chunks with a weighted tsvector (title A, headings/tags/client B,
/// description C, body D) in a French configuration that ignores accents, a GIN index, an OR-shaped
/// query so a chatty question need not match every word, and typo correction against the indexed
/// vocabulary with pg_trgm.
/// </summary>
internal sealed partial class PostgresDocumentIndex(NpgsqlDataSource dataSource, IOptions<RagOptions> options, IHostEnvironment environment, ILogger<PostgresDocumentIndex> logger)
    : IDocumentIndex, IDocumentRetriever
{
    private static readonly string[] Extensions = [".md", ".markdown", ".txt", ".mdx"];

    /// <summary>
    /// One statement. Each word of the question becomes an index term (or, when unknown, the nearest
    /// indexed term by trigrams, trusted as much as it is similar); each term weighs its rarity (BM25's
    /// inverse document frequency over chunks), so that "a", "serveur" or "utiliser" do not outweigh
    /// "fail2ban". A chunk scores the sum, over the terms it holds, of rarity × ts_rank of that term alone
    /// (title A, headings/tags B, description C, body D; repeated words count less and less); a word is
    /// also matched as a prefix, at half weight. A document scores its best chunk plus a fifth of its
    /// coverage (each term counted once, at its best chunk), so a page answering every part of the
    /// question in different sections still comes up.
    /// </summary>
    private const string SearchSql = """
        WITH words AS (
            SELECT DISTINCT l.lexeme FROM unnest(tsvector_to_array(to_tsvector('wibot_fr', @q))) AS l(lexeme)
        ), corrected AS (
            SELECT coalesce(exact.term, near.term) AS term, coalesce(exact.ndoc, near.ndoc) AS ndoc,
                   CASE WHEN exact.term IS NOT NULL THEN 1.0 ELSE near.sim END AS conf
            FROM words w
            LEFT JOIN rag_terms exact ON exact.term = w.lexeme AND exact.ndoc > 0
            LEFT JOIN LATERAL (SELECT t.term, t.ndoc, similarity(t.term, w.lexeme) AS sim FROM rag_terms t
                               WHERE exact.term IS NULL AND length(w.lexeme) >= 5 AND t.ndoc > 0 AND t.term % w.lexeme
                               ORDER BY t.term <-> w.lexeme LIMIT 1) near ON true
        ), total AS (
            SELECT greatest((SELECT reltuples FROM pg_class WHERE oid = 'rag_chunks'::regclass), (SELECT max(ndoc) FROM corrected), 1)::float8 AS n
        ), lex AS (
            SELECT c.term, max(c.ndoc) AS ndoc,
                   ln(1 + (t.n - max(c.ndoc) + 0.5) / (max(c.ndoc) + 0.5)) * max(c.conf) * max(c.conf) AS idf,
                   to_tsquery('simple', quote_literal(c.term)) AS exact,
                   CASE WHEN length(c.term) >= 5 THEN to_tsquery('simple', quote_literal(c.term) || ':*') END AS prefix
            FROM corrected c CROSS JOIN total t
            WHERE c.term IS NOT NULL
            GROUP BY c.term, t.n
        ), usable AS (
            -- In a large index, a term found in a fifth of all chunks says little and costs much:
            -- it is left out, unless every term of the question is that common.
            SELECT * FROM lex
            WHERE ndoc <= greatest(2000, 0.2 * (SELECT n FROM total))
               OR NOT EXISTS (SELECT 1 FROM lex l2 WHERE l2.ndoc <= greatest(2000, 0.2 * (SELECT n FROM total)))
        ), q AS (
            SELECT string_agg(coalesce(prefix, exact)::text, ' | ')::tsquery AS query FROM usable
        ), candidates AS (
            SELECT c.chunk_id, c.document_id, c.tsv
            FROM rag_chunks c
            JOIN rag_documents d ON d.document_id = c.document_id
            CROSS JOIN q
            WHERE q.query IS NOT NULL AND c.tsv @@ q.query
              AND (@type::text IS NULL OR d.type = @type)
              AND (@client::text IS NULL OR unaccent(lower(coalesce(d.client, ''))) LIKE '%' || replace(replace(replace(unaccent(lower(@client)), '!', '!!'), '%', '!%'), '_', '!_') || '%' ESCAPE '!')
            -- A chatty question over a large index matches a large share of it: only the best matches
            -- by one cheap rank go on to the per-term scoring, which costs a rank per term and chunk.
            ORDER BY ts_rank('{0.15, 0.3, 0.6, 1.0}', c.tsv, q.query, 0) DESC
            LIMIT 500
        ), term_hits AS (
            SELECT c.chunk_id, c.document_id, u.term,
                   u.idf * CASE WHEN c.tsv @@ u.exact THEN ts_rank('{0.15, 0.3, 0.6, 1.0}', c.tsv, u.exact, 0)
                                ELSE 0.5 * ts_rank('{0.15, 0.3, 0.6, 1.0}', c.tsv, u.prefix, 0) END AS s
            FROM candidates c JOIN usable u ON c.tsv @@ coalesce(u.prefix, u.exact)
        ), chunk_scores AS (
            SELECT chunk_id, document_id, sum(s) AS rank FROM term_hits GROUP BY chunk_id, document_id
        ), coverage AS (
            SELECT document_id, sum(s) AS s FROM (SELECT document_id, term, max(s) AS s FROM term_hits GROUP BY document_id, term) x GROUP BY document_id
        ), per_document AS (
            SELECT cs.document_id, (array_agg(cs.chunk_id ORDER BY cs.rank DESC))[1] AS chunk_id,
                   max(cs.rank) + 0.2 * min(cv.s) AS score
            FROM chunk_scores cs JOIN coverage cv ON cv.document_id = cs.document_id
            GROUP BY cs.document_id
            ORDER BY score DESC
            LIMIT @limit
        )
        SELECT d.name, d.title, d.path, d.type, d.client, c.heading, c.content, p.score::real,
               -- The highlighted snippet is for people (the search route); the chat reads the whole chunk.
               CASE WHEN @snippet THEN ts_headline('wibot_fr', c.content, q.query, 'StartSel=**, StopSel=**, MaxWords=45, MinWords=20, MaxFragments=2, FragmentDelimiter=" … "') ELSE '' END
        FROM per_document p
        JOIN rag_documents d ON d.document_id = p.document_id
        JOIN rag_chunks c ON c.chunk_id = p.chunk_id
        CROSS JOIN q
        ORDER BY p.score DESC
        """;

    public async Task<IngestReport> IngestAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var root = ResolveRoot();
        var errors = new List<IngestError>();
        int added = 0, updated = 0, removed = 0, unchanged = 0, chunks = 0;

        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext('wibot.rag.ingest'))", lockConnection))
        {
            await take.ExecuteNonQueryAsync(cancellationToken); // one run at a time, across instances
        }

        try
        {
            var known = new Dictionary<string, string>(StringComparer.Ordinal);
            await using (var list = dataSource.CreateCommand("SELECT path, content_hash FROM rag_documents"))
            await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    known[reader.GetString(0)] = reader.GetString(1);
                }
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            if (Directory.Exists(root))
            {
                foreach (var file in EnumerateFiles(root))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
                    seen.Add(relative);
                    try
                    {
                        var bytes = await File.ReadAllBytesAsync(file, cancellationToken);
                        var hash = ContentHash(bytes);
                        if (known.TryGetValue(relative, out var previous) && previous == hash)
                        {
                            unchanged++;
                            continue;
                        }

                        var text = DecodeUtf8(bytes) ?? throw new InvalidDataException("The file is not valid UTF-8.");
                        if (text.Contains('\0', StringComparison.Ordinal))
                        {
                            throw new InvalidDataException("The file is binary, not text.");
                        }

                        var parsed = DocumentParser.Parse(relative, text, options.Value.ChunkChars, options.Value.OverlapChars);
                        await StoreAsync(relative, hash, bytes.Length, parsed, cancellationToken);
                        chunks += parsed.Chunks.Count;
                        if (known.ContainsKey(relative))
                        {
                            updated++;
                        }
                        else
                        {
                            added++;
                        }
                    }
                    catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or FormatException or ArgumentException)
                    {
                        errors.Add(new IngestError(relative, ex.Message));
                        LogSkipped(logger, relative, ex.Message);
                    }
                }
            }

            foreach (var gone in known.Keys.Where(k => !seen.Contains(k)).ToList())
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                removed += await DeleteAsync(connection, transaction, gone, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            if (added + updated + removed > 0)
            {
                // Fresh statistics: the search reads the number of chunks from them (term rarity).
                await using var analyze = dataSource.CreateCommand("ANALYZE rag_chunks; ANALYZE rag_terms");
                await analyze.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext('wibot.rag.ingest'))", lockConnection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }

        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        LogIngested(logger, added, updated, removed, unchanged, errors.Count, elapsed);
        return new IngestReport(added, updated, removed, unchanged, chunks, elapsed, errors);
    }

    public async Task<IReadOnlyList<IndexedDocument>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<IndexedDocument>();
        await using var command = dataSource.CreateCommand("SELECT name, path, title, type, tags, client, chunk_count, indexed_at FROM rag_documents ORDER BY path");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new IndexedDocument(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<string[]>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return list;
    }

    public Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int limit, string? type, string? client, CancellationToken cancellationToken) =>
        SearchAsync(query, limit, type, client, snippets: true, cancellationToken);

    async Task<IReadOnlyList<RetrievedPassage>> IDocumentRetriever.SearchAsync(string query, int limit, CancellationToken cancellationToken)
    {
        var hits = await SearchAsync(query, limit, null, null, snippets: false, cancellationToken);
        return hits.Select(h => new RetrievedPassage(
            h.Document, h.Title, h.Path, h.Type, h.Client,
            string.IsNullOrEmpty(h.Heading) ? h.Text : $"{h.Heading}\n{h.Text}",
            h.Score)).ToList();
    }

    private async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int limit, string? type, string? client, bool snippets, CancellationToken cancellationToken)
    {
        var hits = new List<SearchHit>();
        await using var command = dataSource.CreateCommand(SearchSql);
        command.Parameters.AddWithValue("q", SearchText.ForQuery(query.Length > 1000 ? query[..1000] : query));
        command.Parameters.AddWithValue("limit", Math.Clamp(limit, 1, 50));
        command.Parameters.Add(new NpgsqlParameter("type", NpgsqlDbType.Text) { Value = (object?)NullIfBlank(type) ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("client", NpgsqlDbType.Text) { Value = (object?)NullIfBlank(client) ?? DBNull.Value });
        command.Parameters.AddWithValue("snippet", snippets);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add(new SearchHit(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetString(5), reader.GetString(8).Trim(), reader.GetString(6), Math.Round(reader.GetFloat(7), 4)));
        }

        return hits;
    }

    private async Task StoreAsync(string path, string hash, long size, ParsedDocument doc, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await DeleteAsync(connection, transaction, path, ct);

        long id;
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO rag_documents (path, name, title, type, tags, client, description, content_hash, chunk_count, size_bytes, indexed_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now()) RETURNING document_id
            """, connection, transaction))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = path });
            insert.Parameters.Add(new NpgsqlParameter { Value = DocumentName(path) });
            insert.Parameters.Add(new NpgsqlParameter { Value = Cut(doc.Title, 500) });
            insert.Parameters.Add(new NpgsqlParameter { Value = Cut(doc.Type, 50) });
            insert.Parameters.Add(new NpgsqlParameter { Value = doc.Tags.Select(t => Cut(t, 100)).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)(doc.Client is null ? null : Cut(doc.Client, 200)) ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = Cut(doc.Description, 2000) });
            insert.Parameters.Add(new NpgsqlParameter { Value = hash });
            insert.Parameters.Add(new NpgsqlParameter { Value = doc.Chunks.Count });
            insert.Parameters.Add(new NpgsqlParameter { Value = size });
            id = (long)(await insert.ExecuteScalarAsync(ct))!;
        }

        await using (var chunks = new NpgsqlCommand(
            """
            INSERT INTO rag_chunks (document_id, ordinal, heading, content, tsv)
            SELECT $1, c.ord, c.heading, c.content,
                   setweight(to_tsvector('wibot_fr', $2), 'A') ||
                   setweight(to_tsvector('wibot_fr', c.searched_heading || ' ' || $3), 'B') ||
                   setweight(to_tsvector('wibot_fr', $4), 'C') ||
                   setweight(to_tsvector('wibot_fr', c.searched_content), 'D')
            FROM unnest($5::int[], $6::text[], $7::text[], $8::text[], $9::text[]) AS c(ord, heading, content, searched_heading, searched_content)
            """, connection, transaction))
        {
            chunks.Parameters.Add(new NpgsqlParameter { Value = id });
            chunks.Parameters.Add(new NpgsqlParameter { Value = SearchText.ForIndex(doc.Title) });
            chunks.Parameters.Add(new NpgsqlParameter { Value = SearchText.ForIndex(string.Join(' ', doc.Tags) + " " + (doc.Client ?? string.Empty) + " " + NameWords(path)) });
            chunks.Parameters.Add(new NpgsqlParameter { Value = SearchText.ForIndex(doc.Description) });
            chunks.Parameters.Add(new NpgsqlParameter { Value = Enumerable.Range(0, doc.Chunks.Count).ToArray() });
            chunks.Parameters.Add(new NpgsqlParameter { Value = doc.Chunks.Select(c => Cut(c.Heading, 1000)).ToArray() });
            chunks.Parameters.Add(new NpgsqlParameter { Value = doc.Chunks.Select(c => c.Content).ToArray() });
            chunks.Parameters.Add(new NpgsqlParameter { Value = doc.Chunks.Select(c => SearchText.ForIndex(c.Heading)).ToArray() });
            chunks.Parameters.Add(new NpgsqlParameter { Value = doc.Chunks.Select(c => SearchText.ForIndex(c.Content)).ToArray() });
            await chunks.ExecuteNonQueryAsync(ct);
        }

        await using (var terms = new NpgsqlCommand(
            "INSERT INTO rag_terms (term, ndoc) SELECT word, ndoc FROM ts_stat(format('SELECT tsv FROM rag_chunks WHERE document_id = %s', $1::bigint)) " +
            "ON CONFLICT (term) DO UPDATE SET ndoc = rag_terms.ndoc + EXCLUDED.ndoc",
            connection, transaction))
        {
            terms.Parameters.Add(new NpgsqlParameter { Value = id });
            await terms.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>Removes a document and takes its chunks out of the term counts, so that rarity stays true.</summary>
    private static async Task<int> DeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string path, CancellationToken ct)
    {
        await using (var uncount = new NpgsqlCommand(
            """
            UPDATE rag_terms t SET ndoc = greatest(t.ndoc - s.ndoc, 0)
            FROM ts_stat(format('SELECT c.tsv FROM rag_chunks c JOIN rag_documents d ON d.document_id = c.document_id WHERE d.path = %L', $1::text)) s
            WHERE t.term = s.word
            """, connection, transaction))
        {
            uncount.Parameters.Add(new NpgsqlParameter { Value = path });
            await uncount.ExecuteNonQueryAsync(ct);
        }

        await using var delete = new NpgsqlCommand("DELETE FROM rag_documents WHERE path = $1", connection, transaction);
        delete.Parameters.Add(new NpgsqlParameter { Value = path });
        return await delete.ExecuteNonQueryAsync(ct);
    }

    private string ResolveRoot()
    {
        var configured = options.Value.DocumentsPath;
        if (Path.IsPathRooted(configured))
        {
            return configured;
        }

        // Relative paths are taken from the content root, then from the repository root.
        var fromContent = Path.GetFullPath(Path.Combine(environment.ContentRootPath, configured));
        if (Directory.Exists(fromContent))
        {
            return fromContent;
        }

        for (var d = new DirectoryInfo(environment.ContentRootPath); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, configured);
            if (File.Exists(Path.Combine(d.FullName, "Wibot.sln")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return fromContent;
    }

    private static IEnumerable<string> EnumerateFiles(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System, IgnoreInaccessible = true })
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Where(f => !f.Replace('\\', '/').Split('/').Any(p => p.StartsWith('.')))
            .Order(StringComparer.Ordinal);

    private static string? DecodeUtf8(byte[] bytes)
    {
        try
        {
            var span = bytes.AsSpan();
            if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                span = span[3..];
            }

            return new UTF8Encoding(false, true).GetString(span);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// Bump when parsing or indexing changes: every file is then indexed again on the next run, not only
    /// the changed ones.
    /// </summary>
    private const string IndexVersion = "wibot-rag-index-v2\n";

    private static string ContentHash(byte[] bytes)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(IndexVersion));
        sha.AppendData(bytes);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The words of a file's name ("reverse_ssh.txt" → "reverse ssh"): often what the page is about.</summary>
    private static string NameWords(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        if (name.EndsWith(".fr", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^3];
        }

        return name.Replace('_', ' ').Replace('-', ' ').Replace('.', ' ');
    }

    private static string DocumentName(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return string.IsNullOrEmpty(name) ? path : name;
    }

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Document {Path} skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Documents indexed: {Added} added, {Updated} updated, {Removed} removed, {Unchanged} unchanged, {Errors} errors in {ElapsedMs} ms")]
    private static partial void LogIngested(ILogger logger, int added, int updated, int removed, int unchanged, int errors, long elapsedMs);
}

/// <summary>Indexes the documents folder once the database is ready (Rag:IndexOnStartup).</summary>
internal sealed partial class RagStartupIndexer(IServiceProvider services, IOptions<RagOptions> options, ILogger<RagStartupIndexer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IndexOnStartup)
        {
            return;
        }

        try
        {
            await using var scope = services.CreateAsyncScope();
            var sender = scope.ServiceProvider.GetRequiredService<Mediator.ISender>();
            await sender.Send(new Application.Rag.IngestDocuments.IngestDocumentsCommand(null, null), stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Indexing the documents at start-up failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
