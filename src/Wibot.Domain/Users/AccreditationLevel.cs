namespace Wibot.Domain.Users;

/// <summary>Safeguard accreditation of a technician, from read-only (N0) to super admin (N4).</summary>
public enum AccreditationLevel
{
    N0 = 0,
    N1 = 1,
    N2 = 2,
    N3 = 3,
    N4 = 4,
}
