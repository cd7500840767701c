namespace Wibot.Application.Common.Interfaces;

/// <summary>A passage of an indexed document that matches a question.</summary>
public sealed record RetrievedPassage(string Document, string Title, string Path, string? Type, string? Client, string Text, double Score);

/// <summary>Finds the passages of the company's documents that best answer a question (the RAG port).</summary>
public interface IDocumentRetriever
{
    Task<IReadOnlyList<RetrievedPassage>> SearchAsync(string query, int limit, CancellationToken cancellationToken);
}
