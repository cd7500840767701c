using System.Security.Claims;
using System.Text.Encodings.Web;
using Mediator;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Wibot.Application.ApiKeys.AuthenticateApiKey;
using Wibot.Application.Safeguard.GetSafeguardRequest;

namespace Wibot.Api.Infrastructure;

/// <summary>Tool servers authenticate with the <c>X-Api-Key</c> header; a revoked key is refused at once.</summary>
internal sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ISender sender)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";
    public const string NameClaim = "api_key_name";
    public const string IdClaim = "api_key_id";

    /// <summary>The tool server's key behind <paramref name="user"/>, or null for a technician.</summary>
    public static ToolServerKey? KeyOf(ClaimsPrincipal user) =>
        user.Identity?.AuthenticationType == SchemeName && Guid.TryParse(user.FindFirst(IdClaim)?.Value, out var id) && user.FindFirst(NameClaim)?.Value is { } name
            ? new ToolServerKey(id, name)
            : null;

    /// <summary>An API key sent as <c>Authorization: Bearer wbk_…</c> (how MCP clients send credentials); a JWT is not one.</summary>
    private static string? BearerKey(string authorization) =>
        authorization.StartsWith("Bearer wbk_", StringComparison.Ordinal) ? authorization["Bearer ".Length..].Trim() : null;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers.TryGetValue(Header, out var values) && !string.IsNullOrWhiteSpace(values.ToString())
            ? values.ToString().Trim()
            : BearerKey(Request.Headers.Authorization.ToString());
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        var identity = await sender.Send(new AuthenticateApiKeyQuery(presented), Context.RequestAborted);
        if (identity is null)
        {
            return AuthenticateResult.Fail("Invalid or revoked API key.");
        }

        var principal = new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(IdClaim, identity.KeyId.ToString()), new Claim(NameClaim, identity.Name)], SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
