using FluentValidation;

namespace Wibot.Application.Common.Validation;

public static class PasswordRules
{
    public const int MinimumLength = 10;
    public const int MaximumLength = 256;

    /// <summary>At least 10 characters, with at least three of: lower case, upper case, digit, other.</summary>
    public static IRuleBuilderOptions<T, string> StrongPassword<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty()
            .MinimumLength(MinimumLength)
            .MaximumLength(MaximumLength)
            .Must(BeVaried).WithMessage("The password must mix at least three of: lower case, upper case, digits, symbols.");

    private static bool BeVaried(string? password)
    {
        if (string.IsNullOrEmpty(password))
        {
            return false;
        }

        var classes = 0;
        classes += password.Any(char.IsLower) ? 1 : 0;
        classes += password.Any(char.IsUpper) ? 1 : 0;
        classes += password.Any(char.IsDigit) ? 1 : 0;
        classes += password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0;
        return classes >= 3;
    }
}
