using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Audit;
using Wibot.Domain.Conversations;
using Wibot.Domain.Tokens;
using Wibot.Domain.Users;

namespace Wibot.Infrastructure.Persistence;

public sealed class WibotDbContext(DbContextOptions<WibotDbContext> options) : DbContext(options), IWibotDbContext, Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.IDataProtectionKeyContext
{
    public DbSet<User> Users => Set<User>();

    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<Message> Messages => Set<Message>();

    public DbSet<MonthlyTokenUsage> TokenUsage => Set<MonthlyTokenUsage>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<Domain.Safeguard.SafeguardRequest> SafeguardRequests => Set<Domain.Safeguard.SafeguardRequest>();

    public DbSet<Domain.Safeguard.ApiKey> ApiKeys => Set<Domain.Safeguard.ApiKey>();

    public DbSet<Domain.Tools.ToolServer> ToolServers => Set<Domain.Tools.ToolServer>();

    public DbSet<Domain.Tools.ToolCall> ToolCalls => Set<Domain.Tools.ToolCall>();

    /// <summary>ASP.NET Data Protection's keys, here so that every instance decrypts what another encrypted.</summary>
    public DbSet<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> DataProtectionKeys => Set<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>();

    public override async Task<int> SaveChangesAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation } pg)
        {
            throw new Application.Common.Exceptions.ConflictException($"Duplicate value ({pg.ConstraintName}).", ex);
        }
    }

    public async Task<IUnitOfWorkTransaction> BeginTransactionAsync(CancellationToken cancellationToken) =>
        new UnitOfWorkTransaction(await Database.BeginTransactionAsync(cancellationToken));

    public Task LockAsync(string resource, CancellationToken cancellationToken) =>
        Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({resource}))", cancellationToken);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(WibotDbContext).Assembly);
    }
}

internal sealed class UnitOfWorkTransaction(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction) : IUnitOfWorkTransaction
{
    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    public ValueTask DisposeAsync() => transaction.DisposeAsync();
}
