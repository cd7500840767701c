namespace Wibot.Domain.Safeguard;

public enum SafeguardStatus
{
    Pending = 0,
    Approved = 1,
    Rejected = 2,
    Expired = 3,
}
