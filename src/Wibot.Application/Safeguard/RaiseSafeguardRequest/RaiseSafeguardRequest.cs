using System.Text.Json;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Wibot.Application.Common.Interfaces;
using Wibot.Application.Common.Options;
using Wibot.Domain.Safeguard;
using Wibot.Domain.Users;

namespace Wibot.Application.Safeguard.RaiseSafeguardRequest;

/// <summary>A tool server asks for approval of a privileged action.</summary>
public sealed record RaiseSafeguardRequestCommand(
    string ToolServer,
    Guid ToolServerKeyId,
    string Tool,
    JsonElement? Arguments,
    string Level,
    string Reason,
    string? RequestedFor,
    int? TtlSeconds,
    string? ClientAddress,
    IReadOnlyList<string>? SecretArguments = null,
    JsonElement? Context = null) : ICommand<SafeguardRequestDto>
{
    public override string ToString() => $"RaiseSafeguardRequestCommand {{ ToolServer = {ToolServer}, Tool = {Tool}, Level = {Level} }}";
}

public static class RaiseRules
{
    public const int MaxSecretArguments = 50;
    public const int SecretArgumentNameMaxLength = 100;
    public const string ToolPattern = "^[A-Za-z0-9_.:/-]+$";
}

public sealed class RaiseSafeguardRequestValidator : AbstractValidator<RaiseSafeguardRequestCommand>
{
    public RaiseSafeguardRequestValidator()
    {
        RuleFor(x => x.Tool).NotEmpty().MaximumLength(SafeguardRequest.ToolMaxLength).Matches(RaiseRules.ToolPattern)
            .WithMessage("tool: letters, digits and _ . : / - only.");
        RuleFor(x => x.Arguments).Must(a => a is { ValueKind: JsonValueKind.Object }).WithMessage("arguments must be a JSON object.");
        RuleFor(x => x.Arguments).Must(a => a is null || a.Value.GetRawText().Length <= 65_536).WithMessage("arguments must stay under 64 KB.");
        RuleFor(x => x.Level).Must(l => Enum.TryParse<ActionLevel>(l, out var v) && Enum.IsDefined(v) && l!.Length == 2 && l[0] == 'L')
            .WithMessage("level must be L1, L2, L3 or L4.");
        RuleFor(x => x.Reason).NotEmpty().MaximumLength(SafeguardRequest.ReasonMaxLength);
        RuleFor(x => x.RequestedFor).MaximumLength(SafeguardRequest.NameMaxLength);
        RuleFor(x => x.SecretArguments).Must(s => s is null || (s.Count <= RaiseRules.MaxSecretArguments && s.All(n => !string.IsNullOrWhiteSpace(n) && n.Length <= RaiseRules.SecretArgumentNameMaxLength)))
            .WithMessage("secret_arguments: at most 50 argument names of 100 characters.");
        RuleFor(x => x.Context).Must(c => c is null || c.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Null)
            .WithMessage("context must be a JSON object {ticket_id, client_name, description}.");
        RuleFor(x => x.Context).Must(c => c is null || c.Value.GetRawText().Length <= 8_192).WithMessage("context must stay under 8 KB.");
        RuleFor(x => x.TtlSeconds).InclusiveBetween(30, 86_400).When(x => x.TtlSeconds is not null);
    }
}

public sealed class RaiseSafeguardRequestHandler(IWibotDbContext db, SafeguardJournal journal, TimeProvider clock, IOptions<SafeguardOptions> options)
    : ICommandHandler<RaiseSafeguardRequestCommand, SafeguardRequestDto>
{
    public async ValueTask<SafeguardRequestDto> Handle(RaiseSafeguardRequestCommand command, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ttl = command.TtlSeconds is { } s ? TimeSpan.FromSeconds(s) : TimeSpan.FromMinutes(options.Value.DefaultTtlMinutes);
        User? requestedFor = null;
        if (!string.IsNullOrWhiteSpace(command.RequestedFor))
        {
            // The no-self-approval rule compares user ids: a name that is no WIBOT user protects nobody, so it is refused.
            // Usernames are matched as they sign in (exactly).
            var name = command.RequestedFor.Trim();
            requestedFor = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Username == name, cancellationToken)
                ?? throw new ValidationException([new FluentValidation.Results.ValidationFailure("requested_for", "requested_for must be the username of a WIBOT user.")]);
        }

        var request = SafeguardRequest.Raise(
            command.Tool, command.Arguments!.Value.GetRawText(), Enum.Parse<ActionLevel>(command.Level), command.Reason.Trim(),
            command.ToolServer, requestedFor, ttl, now, command.ToolServerKeyId, command.SecretArguments);
        if (options.Value.MinimumLevelFor(request.Tool) is { } minimum)
        {
            request.RaiseLevelTo(minimum);
        }

        request.RequireApprovals(options.Value.ApprovalsFor(request.Level));
        request.DescribeContext(command.Context is { ValueKind: JsonValueKind.Object } context ? context.GetRawText() : null);

        db.SafeguardRequests.Add(request);
        await journal.SaveAsync([request], command.ClientAddress, cancellationToken);
        return SafeguardViews.ToDto(request, now, viewer: null, maskSecrets: false);
    }
}
