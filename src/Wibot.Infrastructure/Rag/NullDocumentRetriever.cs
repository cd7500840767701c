using Wibot.Application.Common.Interfaces;

namespace Wibot.Infrastructure.Rag;

/// <summary>No documents indexed: retrieval finds nothing.</summary>
internal sealed class NullDocumentRetriever : IDocumentRetriever
{
    public Task<IReadOnlyList<RetrievedPassage>> SearchAsync(string query, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RetrievedPassage>>([]);
}
