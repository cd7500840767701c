using FluentValidation;
using Wibot.Application.Common.Mapping;
using Wibot.Domain.Users;

namespace Wibot.Application.Admin;

public static class UserFieldRules
{
    public const long MaxQuota = 1_000_000_000_000;

    public static IRuleBuilderOptions<T, string> ValidUsername<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().Length(3, User.UsernameMaxLength)
            .Matches("^[A-Za-z0-9][A-Za-z0-9._-]*$").WithMessage("Letters, digits, '.', '_' and '-' only, starting with a letter or digit.");

    public static IRuleBuilderOptions<T, string?> ValidRole<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(r => WireNames.TryParseRole(r, out _)).WithMessage("The role must be 'user' or 'admin'.");

    public static IRuleBuilderOptions<T, string?> ValidAccreditation<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(a => WireNames.TryParseAccreditation(a, out _)).WithMessage("The accreditation level must be one of N0, N1, N2, N3, N4.");
}
