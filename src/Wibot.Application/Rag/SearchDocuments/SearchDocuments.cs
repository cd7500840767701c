using FluentValidation;
using Mediator;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Application.Rag.SearchDocuments;

public sealed record SearchDocumentsQuery(string Query, int Limit, string? Type, string? Client) : IQuery<SearchResponse>;

public sealed record SearchResultDto(string Document, string Title, string Path, string Type, string? Client, string Snippet, double Score);

public sealed record SearchResponse(IReadOnlyList<SearchResultDto> Results);

public static class SearchRules
{
    public const int QueryMaxLength = 1000;
    public const int MaxLimit = 50;
    public const int TypeMaxLength = 50; // rag_documents.type
    public const int ClientMaxLength = 200; // rag_documents.client
}

public sealed class SearchDocumentsValidator : AbstractValidator<SearchDocumentsQuery>
{
    public SearchDocumentsValidator()
    {
        RuleFor(x => x.Query).NotEmpty().Must(q => !string.IsNullOrWhiteSpace(q)).WithName("q").WithMessage("q is required.").MaximumLength(SearchRules.QueryMaxLength).WithName("q");
        RuleFor(x => x.Limit).InclusiveBetween(1, SearchRules.MaxLimit).WithName("limit");
        RuleFor(x => x.Type).MaximumLength(SearchRules.TypeMaxLength).WithName("type");
        RuleFor(x => x.Client).MaximumLength(SearchRules.ClientMaxLength).WithName("client");
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
