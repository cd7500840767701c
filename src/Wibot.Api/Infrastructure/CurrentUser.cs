using System.Security.Claims;
using Wibot.Application.Common.Security;

namespace Wibot.Api.Infrastructure;

internal static class CurrentUser
{
    /// <summary>The authenticated caller's id (the fallback policy guarantees a validated token).</summary>
    public static int Id(this ClaimsPrincipal principal) =>
        WibotClaims.ReadUserId(principal) ?? throw new InvalidOperationException("Authenticated principal without userId.");
}
