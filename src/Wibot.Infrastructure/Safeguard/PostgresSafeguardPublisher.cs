using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Safeguard;
using Wibot.Infrastructure.Persistence;

namespace Wibot.Infrastructure.Safeguard;

/// <summary>NOTIFY on the unit of work's connection: PostgreSQL delivers it when the surrounding transaction commits.</summary>
internal sealed class PostgresSafeguardPublisher(WibotDbContext db) : ISafeguardPublisher
{
    public Task PublishAsync(SafeguardSignal signal, CancellationToken cancellationToken)
    {
        if (!SafeguardRequest.TryParseId(signal.RequestId, out var id))
        {
            throw new ArgumentException("A Safeguard request id (APR-…) is expected.", nameof(signal));
        }

        var payload = PostgresSafeguardSignals.Format(signal.Kind, id, signal.Status);
        return db.Database.ExecuteSqlAsync($"SELECT pg_notify({PostgresSafeguardSignals.Channel}, {payload})", cancellationToken);
    }
}
