using Microsoft.AspNetCore.DataProtection;
using Wibot.Application.Common.Interfaces;

namespace Wibot.Infrastructure.Tools;

/// <summary>
/// Secrets at rest under ASP.NET Data Protection, with its key ring in PostgreSQL
/// (<c>data_protection_keys</c>) so that every instance reads what another wrote.
/// </summary>
internal sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Wibot.Secrets.v1");

    public string Protect(string plaintext) => _protector.Protect(plaintext);

    public string Unprotect(string protectedText) => _protector.Unprotect(protectedText);
}
