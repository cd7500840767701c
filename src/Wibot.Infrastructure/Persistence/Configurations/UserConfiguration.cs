using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Wibot.Domain.Users;

namespace Wibot.Infrastructure.Persistence.Configurations;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).HasColumnName("user_id").UseIdentityByDefaultColumn();
        builder.Property(u => u.Username).HasMaxLength(User.UsernameMaxLength).IsRequired();
        builder.HasIndex(u => u.Username).IsUnique();
        builder.Property(u => u.PasswordHash).HasMaxLength(255).IsRequired();
        builder.Property(u => u.Email).HasMaxLength(User.EmailMaxLength);
        builder.Property(u => u.Role).HasConversion(r => r == UserRole.Admin ? "admin" : "user", s => s == "admin" ? UserRole.Admin : UserRole.User)
            .HasMaxLength(20).IsRequired();
        builder.Property(u => u.AccreditationLevel).HasConversion<string>().HasMaxLength(2).IsRequired();
        builder.Property(u => u.IsActive).HasDefaultValue(true).ValueGeneratedNever();
        builder.Property(u => u.CreatedAt).HasDefaultValueSql("now()").ValueGeneratedNever();
        builder.Property(u => u.SecurityStamp).IsRequired();
        builder.Ignore(u => u.IsAdmin);
        builder.ToTable(t =>
        {
            t.HasCheckConstraint("ck_users_role", "role IN ('user', 'admin')");
            t.HasCheckConstraint("ck_users_accreditation_level", "accreditation_level IN ('N0', 'N1', 'N2', 'N3', 'N4')");
        });
    }
}
