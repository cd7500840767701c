using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Application.ApiKeys.AuthenticateApiKey;

/// <summary>Finds the active key matching a presented secret (null when unknown or revoked).</summary>
public sealed record AuthenticateApiKeyQuery(string Key) : IQuery<ApiKeyIdentity?>
{
    public override string ToString() => "AuthenticateApiKeyQuery";
}

public sealed record ApiKeyIdentity(Guid KeyId, string Name);

public sealed class AuthenticateApiKeyHandler(IWibotDbContext db, TimeProvider clock) : IQueryHandler<AuthenticateApiKeyQuery, ApiKeyIdentity?>
{
    public async ValueTask<ApiKeyIdentity?> Handle(AuthenticateApiKeyQuery query, CancellationToken cancellationToken)
    {
        if (!query.Key.StartsWith(ApiKeySecrets.Prefix, StringComparison.Ordinal) || query.Key.Length > 200)
        {
            return null;
        }

        var hash = ApiKeySecrets.Hash(query.Key);
        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.KeyHash == hash && k.RevokedAt == null)
            .Select(k => new { k.Id, k.Name, k.LastUsedAt })
            .FirstOrDefaultAsync(cancellationToken);
        if (key is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (key.LastUsedAt is null || now - key.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            // Written at most once a minute per key: a long-polling tool server does not cause a write per call.
            await db.ApiKeys.Where(k => k.Id == key.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        }

        return new ApiKeyIdentity(key.Id, key.Name);
    }
}
