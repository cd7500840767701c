using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wibot.Api.Infrastructure;
using Wibot.Application.Rag.GetDocuments;
using Wibot.Application.Rag.IngestDocuments;
using Wibot.Application.Rag.SearchDocuments;

namespace Wibot.Api.Controllers;

[ApiController]
public sealed class RagController(ISender sender) : ControllerBase
{
    /// <summary>Re-indexes the documents folder: new and changed files indexed, removed ones dropped, unchanged ones skipped.</summary>
    [HttpPost("/webhook/wibot/rag/ingest")]
    [Authorize(Policy = Policies.Admin)]
    [ProducesResponseType<IngestResponse>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status403Forbidden, "application/problem+json")]
    public async Task<IngestResponse> Ingest(CancellationToken ct) =>
        await sender.Send(new IngestDocumentsCommand(User.Id(), ClientAddress.Of(HttpContext)), ct);

    /// <summary>The indexed documents.</summary>
    [HttpGet("/webhook/wibot/rag/documents")]
    [ProducesResponseType<DocumentsResponse>(StatusCodes.Status200OK)]
    public async Task<DocumentsResponse> Documents(CancellationToken ct) => await sender.Send(new GetDocumentsQuery(), ct);

    /// <summary>Full-text search (French, accents ignored, typo tolerant); one result per document, best first, with highlighted snippets.</summary>
    [HttpGet("/webhook/wibot/rag/search")]
    [ProducesResponseType<SearchResponse>(StatusCodes.Status200OK)]
    public async Task<SearchResponse> Search([FromQuery] string? q, [FromQuery] int? limit, [FromQuery] string? type, [FromQuery] string? client, CancellationToken ct)
    {
        if (limit is < 1 or > 50)
        {
            throw RequestValues.Invalid("limit", "limit must be between 1 and 50.");
        }

        return await sender.Send(new SearchDocumentsQuery(q ?? string.Empty, limit ?? 10, type, client), ct);
    }
}
