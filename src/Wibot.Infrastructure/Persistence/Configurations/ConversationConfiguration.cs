using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Wibot.Domain.Conversations;
using Wibot.Domain.Users;

namespace Wibot.Infrastructure.Persistence.Configurations;

internal sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> builder)
    {
        builder.ToTable("conversations");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasColumnName("conversation_id").ValueGeneratedNever();
        builder.Property(c => c.Title).HasMaxLength(Conversation.TitleMaxLength).IsRequired();
        builder.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(c => new { c.UserId, c.UpdatedAt });

        // PostgreSQL's xmin: a save of a conversation changed by someone else since it was read is refused
        // (ConversationSaves reloads it and applies the change again).
        builder.Property<uint>("Version").IsRowVersion();
    }
}
