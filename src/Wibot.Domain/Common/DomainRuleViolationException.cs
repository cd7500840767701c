namespace Wibot.Domain.Common;

/// <summary>A named business rule was broken. The API maps it to 409, or 403 when <see cref="IsAuthorizationRule"/>.</summary>
public sealed class DomainRuleViolationException : Exception
{
    public DomainRuleViolationException(IBusinessRule rule)
        : base(rule.Message)
    {
        RuleName = rule.GetType().Name;
        IsAuthorizationRule = rule.IsAuthorizationRule;
        IsQuotaRule = rule.IsQuotaRule;
    }

    public bool IsQuotaRule { get; }

    public string RuleName { get; }

    public bool IsAuthorizationRule { get; }
}
