using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Application.ApiKeys.GetApiKeys;

public sealed record GetApiKeysQuery : IQuery<ApiKeysResponse>;

public sealed record ApiKeysResponse(IReadOnlyList<ApiKeyDto> ApiKeys);

public sealed class GetApiKeysHandler(IWibotDbContext db) : IQueryHandler<GetApiKeysQuery, ApiKeysResponse>
{
    public async ValueTask<ApiKeysResponse> Handle(GetApiKeysQuery query, CancellationToken cancellationToken) =>
        new(await db.ApiKeys.AsNoTracking()
            .OrderByDescending(k => k.CreatedAt)
            .Select(k => new ApiKeyDto(k.Id, k.Name, k.CreatedAt, k.LastUsedAt, k.RevokedAt))
            .ToListAsync(cancellationToken));
}
