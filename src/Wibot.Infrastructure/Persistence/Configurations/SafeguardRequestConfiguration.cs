using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Wibot.Domain.Safeguard;

namespace Wibot.Infrastructure.Persistence.Configurations;

internal sealed class SafeguardRequestConfiguration : IEntityTypeConfiguration<SafeguardRequest>
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public void Configure(EntityTypeBuilder<SafeguardRequest> builder)
    {
        builder.ToTable("safeguard_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).HasColumnName("request_number").UseIdentityAlwaysColumn();
        builder.Ignore(r => r.RequestId);
        builder.Property(r => r.Tool).HasMaxLength(SafeguardRequest.ToolMaxLength).IsRequired();
        builder.Property(r => r.Arguments).HasColumnType("jsonb").IsRequired();
        builder.Property(r => r.Level).HasConversion<string>().HasMaxLength(2).IsRequired();
        builder.Property(r => r.Status).HasConversion(s => s.ToString().ToLowerInvariant(), s => Enum.Parse<SafeguardStatus>(s, true)).HasMaxLength(10).IsRequired();
        builder.Property(r => r.Reason).HasMaxLength(SafeguardRequest.ReasonMaxLength).IsRequired();
        builder.Property(r => r.RequestedBy).HasMaxLength(SafeguardRequest.NameMaxLength).IsRequired();
        builder.Property(r => r.RequestedFor).HasMaxLength(SafeguardRequest.NameMaxLength);
        builder.Property(r => r.RequestedForId).HasColumnName("requested_for_id");
        builder.Property(r => r.RequestedByKeyId).HasColumnName("requested_by_key_id");
        builder.Property(r => r.SecretArguments).HasColumnName("secret_arguments").HasDefaultValueSql("'{}'::text[]").IsRequired();
        builder.Property(r => r.DecidedBy).HasMaxLength(SafeguardRequest.NameMaxLength);
        builder.Property(r => r.Comment).HasMaxLength(SafeguardRequest.CommentMaxLength);
        builder.Property(r => r.Origin).HasConversion(o => o.ToString().ToLowerInvariant(), o => Enum.Parse<RequestOrigin>(o, true)).HasMaxLength(10).HasDefaultValue(RequestOrigin.Api);
        builder.Property(r => r.Server).HasMaxLength(Domain.Tools.ToolServer.NameMaxLength);
        builder.Property(r => r.ArgumentsSha256).HasColumnName("arguments_sha256").HasMaxLength(64);
        builder.Property(r => r.ExecutionStatus).HasConversion(x => x.HasValue ? x.Value.ToString().ToLowerInvariant() : null, x => x == null ? null : Enum.Parse<ExecutionStatus>(x, true)).HasMaxLength(10);
        builder.Property(r => r.ExecutionResult).HasMaxLength(SafeguardRequest.ResultMaxLength + 1);
        builder.Property(r => r.ApprovalsRequired).HasDefaultValue(1);
        builder.Property(r => r.Approvals).HasColumnType("jsonb").HasDefaultValueSql("'[]'::jsonb").IsRequired()
            .HasConversion(
                a => JsonSerializer.Serialize(a, JsonOptions),
                json => JsonSerializer.Deserialize<List<SafeguardApproval>>(json, JsonOptions) ?? new List<SafeguardApproval>(),
                new ValueComparer<IReadOnlyList<SafeguardApproval>>((x, y) => x!.SequenceEqual(y!), a => a.Count, a => a.ToList()));
        builder.Property(r => r.LevelRaisedFrom).HasConversion<string>().HasMaxLength(2);
        builder.Property(r => r.Context).HasColumnType("jsonb");
        builder.Ignore(r => r.RunsThroughWibot);
        builder.Ignore(r => r.AwaitsExecution);
        builder.HasIndex(r => r.Id).HasFilter("status = 'approved' AND server_id IS NOT NULL AND execution_status IS NULL").HasDatabaseName("ix_safeguard_requests_awaiting_execution");
        builder.Property<uint>("Version").IsRowVersion();
        builder.HasIndex(r => new { r.Status, r.CreatedAt });
        builder.HasIndex(r => r.ExpiresAt).HasFilter("status = 'pending'");
        builder.ToTable(t =>
        {
            t.HasCheckConstraint("ck_safeguard_requests_level", "level IN ('L1', 'L2', 'L3', 'L4')");
            t.HasCheckConstraint("ck_safeguard_requests_status", "status IN ('pending', 'approved', 'rejected', 'expired')");
        });
    }
}
