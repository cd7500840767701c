using Microsoft.EntityFrameworkCore;
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

    DbSet<Domain.Tools.ToolServer> ToolServers { get; }

    DbSet<Domain.Tools.ToolCall> ToolCalls { get; }

    /// <summary>Saves; a unique-index violation becomes a <see cref="Exceptions.ConflictException"/>.</summary>
    Task<int> SaveChangesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a transaction on the unit of work. Kept here rather than behind a port of its own: what
    /// must commit together is the handler's business (a turn's message and its charge, a decision and
    /// its audit entry and signal), and the ports' statements run on this very connection.
    /// </summary>
    Task<IUnitOfWorkTransaction> BeginTransactionAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes a transaction-scoped lock on a named resource. Kept here because a rule across rows (the
    /// last active admin) needs its readers serialized, which no DbSet operation expresses.
    /// </summary>
    Task LockAsync(string resource, CancellationToken cancellationToken);
}
