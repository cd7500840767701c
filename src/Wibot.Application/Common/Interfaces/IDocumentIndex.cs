namespace Wibot.Application.Common.Interfaces;

public sealed record IngestError(string Path, string Error);

public sealed record IngestReport(int Added, int Updated, int Removed, int Unchanged, int Chunks, long DurationMs, IReadOnlyList<IngestError> Errors);

public sealed record IndexedDocument(string Document, string Path, string Title, string Type, IReadOnlyList<string> Tags, string? Client, int Chunks, DateTimeOffset IndexedAt);

public sealed record SearchHit(string Document, string Title, string Path, string Type, string? Client, string Heading, string Snippet, string Text, double Score);

/// <summary>The document index (full-text today; a vector or hybrid retriever can sit behind the same port).</summary>
public interface IDocumentIndex
{
    /// <summary>Indexes new and changed files of the documents folder, drops removed ones, skips unchanged ones.</summary>
    Task<IngestReport> IngestAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<IndexedDocument>> ListAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int limit, string? type, string? client, CancellationToken cancellationToken);
}
