using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Wibot.Domain.Conversations;

namespace Wibot.Infrastructure.Persistence.Configurations;

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> builder)
    {
        builder.ToTable("messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).HasColumnName("message_id").ValueGeneratedNever();
        builder.Property(m => m.Role).HasConversion(r => r == MessageRole.Assistant ? "assistant" : "user", s => s == "assistant" ? MessageRole.Assistant : MessageRole.User)
            .HasMaxLength(20).IsRequired();
        builder.Property(m => m.Mode).HasConversion(
                m => m == ChatMode.Code ? "code" : m == ChatMode.Redaction ? "redaction" : "flash",
                s => s == "code" ? ChatMode.Code : s == "redaction" ? ChatMode.Redaction : ChatMode.Flash)
            .HasMaxLength(20).IsRequired();
        builder.Property(m => m.Content).IsRequired();
        builder.Property(m => m.AttachmentName).HasMaxLength(Message.AttachmentNameMaxLength);
        builder.Property(m => m.AttachmentType).HasMaxLength(Message.AttachmentTypeMaxLength);
        builder.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(m => new { m.ConversationId, m.CreatedAt });
        builder.HasIndex(m => m.CreatedAt);
        builder.ToTable(t =>
        {
            t.HasCheckConstraint("ck_messages_role", "role IN ('user', 'assistant')");
            t.HasCheckConstraint("ck_messages_mode", "mode IN ('flash', 'code', 'redaction')");
            t.HasCheckConstraint("ck_messages_tokens_used", "tokens_used >= 0");
        });
    }
}
