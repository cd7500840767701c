using Wibot.Domain.Users;

namespace Wibot.Domain.Tests.Users;

public sealed class UserTests
{
    private static User NewUser() => User.Create("tech", "$pbkdf2-sha256$1000$x$y", "tech@widip.fr", UserRole.User, AccreditationLevel.N1, DateTimeOffset.UnixEpoch);

    [Fact]
    public void SecurityRelevantChanges_RenewTheSecurityStamp()
    {
        var user = NewUser();
        var stamps = new HashSet<Guid> { user.SecurityStamp };

        user.ChangePassword("new-hash");
        stamps.Add(user.SecurityStamp).Should().BeTrue();
        user.ChangeRole(UserRole.Admin);
        stamps.Add(user.SecurityStamp).Should().BeTrue();
        user.ChangeAccreditation(AccreditationLevel.N3);
        stamps.Add(user.SecurityStamp).Should().BeTrue();
        user.Deactivate();
        stamps.Add(user.SecurityStamp).Should().BeTrue();
        user.Activate();
        stamps.Add(user.SecurityStamp).Should().BeTrue();
    }

    [Fact]
    public void NoOpChanges_AndHashUpgrades_KeepTheStamp()
    {
        var user = NewUser();
        var stamp = user.SecurityStamp;

        user.ChangeRole(UserRole.User);
        user.ChangeAccreditation(AccreditationLevel.N1);
        user.Activate();
        user.UpgradePasswordHash("rehashed");
        user.ChangeEmail("other@widip.fr");

        user.SecurityStamp.Should().Be(stamp);
    }

    [Fact]
    public void Create_NormalizesAnEmptyEmailToNone()
    {
        User.Create("x", "h", "  ", UserRole.User, AccreditationLevel.N0, DateTimeOffset.UnixEpoch).Email.Should().BeNull();
    }
}
