using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Audit;

namespace Wibot.Application.ApiKeys.RevokeApiKey;

public sealed record RevokeApiKeyCommand(int ActorId, Guid KeyId, string? ClientAddress) : ICommand<Unit>;

public sealed class RevokeApiKeyHandler(IWibotDbContext db, TimeProvider clock) : ICommandHandler<RevokeApiKeyCommand, Unit>
{
    public async ValueTask<Unit> Handle(RevokeApiKeyCommand command, CancellationToken cancellationToken)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == command.KeyId, cancellationToken) ?? throw new NotFoundException("API key");
        var now = clock.GetUtcNow();
        key.Revoke(now);
        var actor = await db.Users.AsNoTracking().Where(u => u.Id == command.ActorId).Select(u => u.Username).FirstOrDefaultAsync(cancellationToken);
        db.AuditEntries.Add(AuditEntry.Record(AuditActions.ApiKeyRevoked, now, command.ActorId, actor, key.Name, true, null, command.ClientAddress));
        await db.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
