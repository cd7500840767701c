using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Audit;
using Wibot.Domain.Conversations;
using Wibot.Domain.Tokens;
using Wibot.Domain.Users;

namespace Wibot.Infrastructure.Persistence;

public sealed class WibotDbContext(DbContextOptions<WibotDbContext> options) : DbContext(options), IWibotDbContext
{
    public DbSet<User> Users => Set<User>();

    public DbSet<Conversation> Conversations => Set<Conversation>();

    public DbSet<Message> Messages => Set<Message>();

    public DbSet<MonthlyTokenUsage> TokenUsage => Set<MonthlyTokenUsage>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(WibotDbContext).Assembly);
    }
}
