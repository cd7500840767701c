using FluentValidation;
using Wibot.Application.Common.Validation;

namespace Wibot.Application.Auth.ChangePassword;

public sealed class ChangePasswordValidator : AbstractValidator<ChangePasswordCommand>
{
    public ChangePasswordValidator()
    {
        RuleFor(x => x.CurrentPassword).NotEmpty().MaximumLength(Login.LoginRules.PasswordMaxLength);
        RuleFor(x => x.NewPassword).StrongPassword();
    }
}
