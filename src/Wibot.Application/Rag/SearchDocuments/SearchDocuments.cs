using FluentValidation;
using Mediator;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Application.Rag.SearchDocuments;

public sealed record SearchDocumentsQuery(string Query, int Limit, string? Type, string? Client) : IQuery<SearchResponse>;

public sealed record SearchResultDto(string Document, string Title, string Path, string Type, string? Client, string Snippet, double Score);

public sealed record SearchResponse(IReadOnlyList<SearchResultDto> Results);

public sealed class SearchDocumentsValidator : AbstractValidator<SearchDocumentsQuery>
{
    public SearchDocumentsValidator()
    {
        RuleFor(x => x.Query).NotEmpty().Must(q => !string.IsNullOrWhiteSpace(q)).WithName("q").WithMessage("q is required.").MaximumLength(1000).WithName("q");
        RuleFor(x => x.Limit).InclusiveBetween(1, 50).WithName("limit");
    }
}

public sealed class SearchDocumentsHandler(IDocumentIndex index) : IQueryHandler<SearchDocumentsQuery, SearchResponse>
{
    public async ValueTask<SearchResponse> Handle(SearchDocumentsQuery query, CancellationToken cancellationToken)
    {
        var hits = await index.SearchAsync(query.Query, query.Limit, query.Type, query.Client, cancellationToken);
        return new SearchResponse(hits.Select(h => new SearchResultDto(h.Document, h.Title, h.Path, h.Type, h.Client, h.Snippet, h.Score)).ToList());
    }
}
