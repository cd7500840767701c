using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Application.Common.Security;

namespace Wibot.Api.Infrastructure;

/// <summary>
/// Who may call the API, in one place: technicians with a bearer token (HS256, issuer, audience,
/// lifetime, and a security stamp checked on every request so that a password change, a
/// deactivation or a logout revokes at once), tool servers with an <c>X-Api-Key</c>; every route
/// needs one of them unless it says otherwise; admin routes need the admin role.
/// </summary>
internal static class Authentication
{
    public static IServiceCollection AddWibotAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);

        // The key is validated (or drawn for Development) once by the composition; read it here, not from configuration.
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<AccessTokenKey, IOptions<JwtOptions>>((o, key, jwt) => ConfigureBearer(o, key, jwt.Value));

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireClaim(WibotClaims.Role, "admin"))
            .AddPolicy(Policies.ToolServer, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser());
        return services;
    }

    private static void ConfigureBearer(JwtBearerOptions o, AccessTokenKey key, JwtOptions jwt)
    {
        o.MapInboundClaims = false;
        o.RequireHttpsMetadata = false;
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = jwt.Issuer,
            ValidateAudience = true,
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            IssuerSigningKey = new SymmetricSecurityKey(key.Bytes()) { KeyId = "wibot" },
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = WibotClaims.Username,
            RoleClaimType = WibotClaims.Role,
        };
        o.Events = new JwtBearerEvents
        {
            OnTokenValidated = async context =>
            {
                var principal = context.Principal;
                var userId = WibotClaims.ReadUserId(principal);
                var stamp = principal?.FindFirst(WibotClaims.Stamp)?.Value;
                var sessions = context.HttpContext.RequestServices.GetRequiredService<IUserSessionCache>();
                if (userId is null || !await sessions.IsValidAsync(userId.Value, stamp, context.HttpContext.RequestAborted))
                {
                    context.Fail("The token has been revoked.");
                }
            },
        };
    }
}

public static class Policies
{
    public const string Admin = "admin";

    /// <summary>A tool-server API key (the MCP gateway).</summary>
    public const string ToolServer = "tool-server";
}
