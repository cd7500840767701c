using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Wibot.Domain.Tokens;
using Wibot.Domain.Users;

namespace Wibot.Infrastructure.Persistence.Configurations;

internal sealed class MonthlyTokenUsageConfiguration : IEntityTypeConfiguration<MonthlyTokenUsage>
{
    public void Configure(EntityTypeBuilder<MonthlyTokenUsage> builder)
    {
        builder.ToTable("user_token_usage");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).HasColumnName("usage_id").UseIdentityByDefaultColumn();
        builder.Property(u => u.Month).HasColumnType("date");
        builder.HasIndex(u => new { u.UserId, u.Month }).IsUnique();
        builder.HasOne<User>().WithMany().HasForeignKey(u => u.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(u => u.RemainingTokens);
        builder.Ignore(u => u.IsExhausted);
        builder.Property<uint>("Version").IsRowVersion();
        builder.ToTable(t =>
        {
            t.HasCheckConstraint("ck_user_token_usage_month", "extract(day from month) = 1");
            t.HasCheckConstraint("ck_user_token_usage_used", "used_tokens >= 0");
            t.HasCheckConstraint("ck_user_token_usage_quota", "quota_tokens >= 0");
        });
    }
}
