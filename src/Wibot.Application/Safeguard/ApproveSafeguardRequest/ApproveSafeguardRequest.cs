using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Wibot.Application.Common.Exceptions;
using Wibot.Application.Common.Interfaces;
using Wibot.Domain.Safeguard;

namespace Wibot.Application.Safeguard.ApproveSafeguardRequest;

public sealed record ApproveSafeguardRequestCommand(int UserId, string RequestId, string? Comment, string? ClientAddress) : ICommand<SafeguardRequestDto>;

public sealed class ApproveSafeguardRequestValidator : AbstractValidator<ApproveSafeguardRequestCommand>
{
    public ApproveSafeguardRequestValidator()
    {
        RuleFor(x => x.RequestId).NotEmpty().MaximumLength(SafeguardRequest.IdMaxLength);
        RuleFor(x => x.Comment).MaximumLength(SafeguardRequest.CommentMaxLength);
    }
}

public sealed class ApproveSafeguardRequestHandler(IWibotDbContext db, SafeguardJournal journal, TimeProvider clock) : ICommandHandler<ApproveSafeguardRequestCommand, SafeguardRequestDto>
{
    public ValueTask<SafeguardRequestDto> Handle(ApproveSafeguardRequestCommand command, CancellationToken cancellationToken) =>
        SafeguardDecision.DecideAsync(db, journal, clock, command.UserId, command.RequestId, approve: true, command.Comment, command.ClientAddress, cancellationToken);
}

/// <summary>The one way a request gets decided: load, apply the domain rule, save through the journal (optimistic concurrency).</summary>
internal static class SafeguardDecision
{
    public static async ValueTask<SafeguardRequestDto> DecideAsync(
        IWibotDbContext db, SafeguardJournal journal, TimeProvider clock, int userId, string requestId, bool approve, string? comment, string? clientAddress, CancellationToken ct)
    {
        if (!SafeguardRequest.TryParseId(requestId, out var id))
        {
            throw new NotFoundException("Safeguard request");
        }

        var approver = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, ct) ?? throw new NotFoundException("User");

        // Two approvers of a two-person request may click at once: the row version lets one through and
        // the other re-reads the request and applies its decision again (each round lets one writer in).
        for (var attempt = 1; ; attempt++)
        {
            var request = await db.SafeguardRequests.FirstOrDefaultAsync(r => r.Id == id, ct) ?? throw new NotFoundException("Safeguard request");
            var now = clock.GetUtcNow();
            var closed = true;
            if (approve)
            {
                closed = request.Approve(approver, comment, now);
            }
            else
            {
                request.Reject(approver, comment, now);
            }

            try
            {
                await journal.SaveAsync([request], clientAddress, ct);
            }
            catch (DbUpdateConcurrencyException conflict)
            {
                foreach (var entry in conflict.Entries)
                {
                    entry.State = EntityState.Detached;
                }

                request.DequeueEvents();
                if (attempt < Attempts)
                {
                    continue;
                }

                throw new ConflictException("The request has just been decided by someone else.");
            }

            var message = !approve ? $"Demande {request.RequestId} refusée."
                : closed ? $"Demande {request.RequestId} approuvée."
                : $"Approbation enregistrée ({request.Approvals.Count}/{request.ApprovalsRequired}) : la demande {request.RequestId} attend une autre approbation.";
            return SafeguardViews.WithMessage(SafeguardViews.ToDto(request, now, approver, maskSecrets: true), message);
        }
    }

    private const int Attempts = 16;
}
