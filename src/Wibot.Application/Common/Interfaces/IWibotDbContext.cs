using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Wibot.Domain.Audit;
using Wibot.Domain.Conversations;
using Wibot.Domain.Tokens;
using Wibot.Domain.Users;

namespace Wibot.Application.Common.Interfaces;

/// <summary>The unit of work the handlers use (no generic repository on top of EF Core).</summary>
public interface IWibotDbContext
{
    DbSet<User> Users { get; }

    DbSet<Conversation> Conversations { get; }

    DbSet<Message> Messages { get; }

    DbSet<MonthlyTokenUsage> TokenUsage { get; }

    DbSet<AuditEntry> AuditEntries { get; }

    DbSet<Domain.Safeguard.SafeguardRequest> SafeguardRequests { get; }

    DbSet<Domain.Safeguard.ApiKey> ApiKeys { get; }

    DatabaseFacade Database { get; }

    /// <summary>Saves; a unique-index violation becomes a <see cref="Exceptions.ConflictException"/>.</summary>
    Task<int> SaveChangesAsync(CancellationToken cancellationToken = default);

    /// <summary>Takes a transaction-scoped lock on a named resource (serializes rare critical sections).</summary>
    Task LockAsync(string resource, CancellationToken cancellationToken);
}
