using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Wibot.Domain.Tools;

namespace Wibot.Infrastructure.Persistence.Configurations;

internal sealed class ToolServerConfiguration : IEntityTypeConfiguration<ToolServer>
{
    public void Configure(EntityTypeBuilder<ToolServer> builder)
    {
        builder.ToTable("mcp_servers");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasColumnName("server_id").ValueGeneratedNever();
        builder.Property(s => s.Name).HasMaxLength(ToolServer.NameMaxLength).IsRequired();
        builder.HasIndex(s => s.Name).IsUnique();
        builder.Property(s => s.Url).HasMaxLength(ToolServer.UrlMaxLength).IsRequired();
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(s => s.Error).HasMaxLength(ToolServer.ErrorMaxLength);
        builder.Property(s => s.ProtectedHeaders).HasColumnName("headers_protected");
        builder.Property(s => s.HeaderNames).IsRequired();
        builder.Property<uint>("Version").IsRowVersion();
        builder.HasMany(s => s.Tools).WithOne().HasForeignKey(t => t.ServerId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(s => s.Tools).HasField("_tools").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}

internal sealed class ServerToolConfiguration : IEntityTypeConfiguration<ServerTool>
{
    public void Configure(EntityTypeBuilder<ServerTool> builder)
    {
        builder.ToTable("mcp_tools");
        builder.HasKey(t => new { t.ServerId, t.Name });
        builder.Property(t => t.Name).HasMaxLength(ServerTool.NameMaxLength);
        builder.Property(t => t.Level).HasConversion<string>().HasMaxLength(2);
        builder.Property(t => t.InputSchema).HasColumnType("jsonb").IsRequired();
        builder.Property(t => t.Annotations).HasColumnType("jsonb");
    }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> builder) => builder.ToTable("data_protection_keys");
}
