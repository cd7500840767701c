using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Safeguard;

namespace Wibot.Application.Safeguard.ExpireSafeguardRequests;

/// <summary>The background job's step: marks pending requests past their expiry, audits and signals them.</summary>
public sealed record ExpireSafeguardRequestsCommand : ICommand<int>;

public sealed class ExpireSafeguardRequestsHandler(IWibotDbContext db, SafeguardJournal journal, TimeProvider clock) : ICommandHandler<ExpireSafeguardRequestsCommand, int>
{
    public async ValueTask<int> Handle(ExpireSafeguardRequestsCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await db.SafeguardRequests
            .Where(r => r.Status == SafeguardStatus.Pending && r.ExpiresAt <= now)
            .OrderBy(r => r.Id).Take(500)
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        foreach (var request in due)
        {
            request.Expire(now);
        }

        try
        {
            await journal.SaveAsync(due, clientAddress: null, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A decision won the race for one of them; the next sweep sees the rest.
            return 0;
        }

        return due.Count;
    }
}
