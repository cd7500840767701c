using FluentValidation;
using Mediator;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Safeguard.ApproveSafeguardRequest;
using Wibot.Domain.Safeguard;

namespace Wibot.Application.Safeguard.RejectSafeguardRequest;

/// <summary>Rejects a request. The comment is mandatory unless <c>CommentOptional</c> (the n8n-era client sends "" for none).</summary>
public sealed record RejectSafeguardRequestCommand(int UserId, string RequestId, string? Comment, bool CommentOptional, string? ClientAddress) : ICommand<SafeguardRequestDto>;

public sealed class RejectSafeguardRequestValidator : AbstractValidator<RejectSafeguardRequestCommand>
{
    public RejectSafeguardRequestValidator()
    {
        RuleFor(x => x.RequestId).NotEmpty().MaximumLength(SafeguardRequest.IdMaxLength);
        RuleFor(x => x.Comment).NotEmpty().Must(c => !string.IsNullOrWhiteSpace(c)).WithMessage("A comment is required to reject a request.")
            .When(x => !x.CommentOptional);
        RuleFor(x => x.Comment).MaximumLength(SafeguardRequest.CommentMaxLength);
    }
}

public sealed class RejectSafeguardRequestHandler(IWibotDbContext db, SafeguardJournal journal, TimeProvider clock) : ICommandHandler<RejectSafeguardRequestCommand, SafeguardRequestDto>
{
    public ValueTask<SafeguardRequestDto> Handle(RejectSafeguardRequestCommand command, CancellationToken cancellationToken) =>
        SafeguardDecision.DecideAsync(db, journal, clock, command.UserId, command.RequestId, approve: false,
            command.Comment, command.ClientAddress, cancellationToken);
}
