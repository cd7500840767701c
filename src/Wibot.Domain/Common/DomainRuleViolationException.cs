namespace Wibot.Domain.Common;

/// <summary>A named business rule was broken; <see cref="Kind"/> says what that means for the caller.</summary>
public sealed class DomainRuleViolationException : Exception
{
    public DomainRuleViolationException(IBusinessRule rule)
        : base(rule.Message)
    {
        RuleName = rule.GetType().Name;
        Kind = rule.Kind;
    }

    public string RuleName { get; }

    public RuleKind Kind { get; }

    public bool IsAuthorizationRule => Kind == RuleKind.Forbidden;
}
