using Wibot.Domain.Safeguard;

namespace Wibot.Domain.Tests.Safeguard;

public sealed class SecretNamesTests
{
    [Theory]
    [InlineData("password")]
    [InlineData("NEW_PASSWORD")]
    [InlineData("mot_de_passe")]
    [InlineData("motDePasse")]
    [InlineData("nouveau-mot-de-passe")]
    [InlineData("MDP")]
    [InlineData("mdp_admin")]
    [InlineData("passphrase")]
    [InlineData("pin")]
    [InlineData("code_pin")]
    [InlineData("secret_key")]
    [InlineData("clientSecret")]
    [InlineData("api_key")]
    [InlineData("apiKey")]
    [InlineData("access_token")]
    [InlineData("jeton")]
    [InlineData("clé")]
    [InlineData("Authorization")]
    public void NamesOfSecrets_AreRecognised(string name) => SecretNames.LooksSecret(name).Should().BeTrue();

    [Theory]
    [InlineData("user")]
    [InlineData("ping")]
    [InlineData("shipping_address")]
    [InlineData("ticket_id")]
    [InlineData("client_name")]
    [InlineData("spinner")]
    [InlineData("keyboard_layout")]
    [InlineData("monkey")]
    public void OrdinaryNames_AreNot(string name) => SecretNames.LooksSecret(name).Should().BeFalse();

    [Fact]
    public void NamesDeclaredByTheToolServer_AreSecretInAnySpelling()
    {
        SecretNames.LooksSecret("numero_badge", ["numeroBadge"]).Should().BeTrue();
        SecretNames.LooksSecret("numero_badge").Should().BeFalse();
    }
}
