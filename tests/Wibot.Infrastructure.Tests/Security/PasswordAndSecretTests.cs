using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Infrastructure.Security;

namespace Wibot.Infrastructure.Tests.Security;

public sealed class PasswordAndSecretTests
{
    private static Pbkdf2PasswordHasher Hasher(int iterations = 1_000) => new(Microsoft.Extensions.Options.Options.Create(new AuthOptions { PasswordIterations = iterations }));

    [Fact]
    public void Hash_ThenVerify_RoundTrips_AndSaltsEachHash()
    {
        var hasher = Hasher();
        var a = hasher.Hash("Correct-Horse-9");
        var b = hasher.Hash("Correct-Horse-9");

        a.Should().NotBe(b);
        hasher.Verify(a, "Correct-Horse-9").Should().Be(PasswordCheck.Succeeded);
        hasher.Verify(a, "correct-horse-9").Should().Be(PasswordCheck.Failed);
    }

    [Fact]
    public void Verify_HashWithFewerIterationsThanConfigured_AsksForARehash()
    {
        var old = Hasher(1_000).Hash("pw-Secret-1");

        Hasher(2_000).Verify(old, "pw-Secret-1").Should().Be(PasswordCheck.SucceededRehashNeeded);
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain-text-password")]
    [InlineData("$pbkdf2-sha256$abc$$")]
    [InlineData("$2a$10$broken")]
    public void Verify_GarbageHashes_FailWithoutThrowing(string stored)
    {
        Hasher().Verify(stored, "plain-text-password").Should().Be(PasswordCheck.Failed);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("wibot_secret", false)]
    [InlineData("too-short-but-random-9x", false)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false)]
    [InlineData("k3J9x-Qp2Lm7Vb8Nc4Zr6Tw1Ys5Hd0Gf-PqRsTuVwXyZ", true)]
    public void JwtSecretPolicy_AcceptsOnlyLongRandomSecrets(string? secret, bool accepted)
    {
        (JwtSecretPolicy.Problem(secret) is null).Should().Be(accepted);
    }
}
