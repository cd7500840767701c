using Mediator;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Application.Rag.GetDocuments;

public sealed record GetDocumentsQuery : IQuery<DocumentsResponse>;

public sealed record DocumentsResponse(IReadOnlyList<IndexedDocument> Documents);

public sealed class GetDocumentsHandler(IDocumentIndex index) : IQueryHandler<GetDocumentsQuery, DocumentsResponse>
{
    public async ValueTask<DocumentsResponse> Handle(GetDocumentsQuery query, CancellationToken cancellationToken) =>
        new(await index.ListAsync(cancellationToken));
}
