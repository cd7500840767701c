namespace Wibot.Application.Common.Interfaces;

public enum PasswordCheck
{
    Failed = 0,
    Succeeded = 1,

    /// <summary>The password is right but the stored hash uses an older scheme and must be replaced.</summary>
    SucceededRehashNeeded = 2,
}

public interface IPasswordHasher
{
    string Hash(string password);

    PasswordCheck Verify(string storedHash, string password);

    /// <summary>Spends the same time as a real verification, so that an unknown user is not told apart.</summary>
    void VerifyAgainstDummy(string password);
}
