using Wibot.Domain.Common;

namespace Wibot.Domain.Users;

/// <summary>What an administrator may do to accounts: never to their own standing, never leave no active admin.</summary>
public static class AdminPolicy
{
    public static void CheckChange(User actor, User target, UserRole? newRole, bool? newActive, int activeAdmins)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(target);
        var self = actor.Id == target.Id;
        Rules.Check(new AdminCannotDemoteThemself(self && target.IsAdmin && newRole == UserRole.User));
        Rules.Check(new AdminCannotDeactivateThemself(self && target.IsActive && newActive == false));
        var losesAdmin = target.IsAdmin && target.IsActive && (newRole == UserRole.User || newActive == false);
        Rules.Check(new LastActiveAdminMustRemain(losesAdmin, activeAdmins));
    }

    public static void CheckDelete(User actor, User target, int activeAdmins)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(target);
        Rules.Check(new AdminCannotDeleteThemself(actor.Id == target.Id));
        Rules.Check(new LastActiveAdminMustRemain(target.IsAdmin && target.IsActive, activeAdmins));
    }
}

public sealed class AdminCannotDemoteThemself(bool attempted) : IBusinessRule
{
    public bool IsBroken() => attempted;

    public string Message => "An administrator cannot remove their own admin role.";

    public RuleKind Kind => RuleKind.Forbidden;
}

public sealed class AdminCannotDeactivateThemself(bool attempted) : IBusinessRule
{
    public bool IsBroken() => attempted;

    public string Message => "An administrator cannot deactivate their own account.";

    public RuleKind Kind => RuleKind.Forbidden;
}

public sealed class AdminCannotDeleteThemself(bool attempted) : IBusinessRule
{
    public bool IsBroken() => attempted;

    public string Message => "An administrator cannot delete their own account.";

    public RuleKind Kind => RuleKind.Forbidden;
}

public sealed class LastActiveAdminMustRemain(bool removesAnActiveAdmin, int activeAdmins) : IBusinessRule
{
    public bool IsBroken() => removesAnActiveAdmin && activeAdmins <= 1;

    public string Message => "The last active administrator cannot be removed, deactivated or demoted.";
}
