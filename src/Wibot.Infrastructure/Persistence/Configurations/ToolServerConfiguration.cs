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

internal sealed class ToolCallConfiguration : IEntityTypeConfiguration<ToolCall>
{
    public void Configure(EntityTypeBuilder<ToolCall> builder)
    {
        builder.ToTable("chat_tool_calls");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.CallId).HasMaxLength(200).IsRequired();
        builder.Property(c => c.Server).HasMaxLength(ToolServer.NameMaxLength).IsRequired();
        builder.Property(c => c.Tool).HasMaxLength(ServerTool.NameMaxLength + ToolServer.NameMaxLength + 2).IsRequired();
        builder.Property(c => c.Arguments).HasColumnType("jsonb").IsRequired();
        builder.Property(c => c.Level).HasConversion<string>().HasMaxLength(2);
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.Result).HasMaxLength(ToolCall.ResultMaxLength + 1);
        builder.Property<uint>("Version").IsRowVersion();
        builder.HasOne<Domain.Conversations.Conversation>().WithMany().HasForeignKey(c => c.ConversationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => c.MessageId);
        builder.HasIndex(c => c.RequestNumber).HasFilter("request_number IS NOT NULL");
    }
}

internal sealed class DataProtectionKeyConfiguration : IEntityTypeConfiguration<DataProtectionKey>
{
    public void Configure(EntityTypeBuilder<DataProtectionKey> builder) => builder.ToTable("data_protection_keys");
}
