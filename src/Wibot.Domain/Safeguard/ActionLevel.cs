using Wibot.Domain.Users;

namespace Wibot.Domain.Safeguard;

/// <summary>How dangerous a tool server's action is, from reading logs (L1) to irreversible actions (L4).</summary>
public enum ActionLevel
{
    L1 = 1,
    L2 = 2,
    L3 = 3,
    L4 = 4,
}

/// <summary>The guide's Safeguard matrix: a technician at N<i>k</i> decides L<i>j</i> iff k ≥ j; N0 never.</summary>
public static class AccreditationMatrix
{
    public static bool CanDecide(AccreditationLevel accreditation, ActionLevel level) =>
        accreditation != AccreditationLevel.N0 && (int)accreditation >= (int)level;
}
