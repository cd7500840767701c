using FluentValidation;

namespace Wibot.Application.Auth.Login;

/// <summary>What a sign-in accepts before it is judged (longer than any stored name, so that a wrong one is a 401).</summary>
public static class LoginRules
{
    public const int UsernameMaxLength = 100;
    public const int PasswordMaxLength = 1024;
}

public sealed class LoginValidator : AbstractValidator<LoginCommand>
{
    public LoginValidator()
    {
        RuleFor(x => x.Username).NotEmpty().MaximumLength(LoginRules.UsernameMaxLength);
        RuleFor(x => x.Password).NotEmpty().MaximumLength(LoginRules.PasswordMaxLength);
    }
}
