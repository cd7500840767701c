namespace Wibot.Domain.Common;

/// <summary>A named domain rule. Aggregates check rules through <see cref="Rules.Check"/>.</summary>
public interface IBusinessRule
{
    bool IsBroken();

    string Message { get; }

    /// <summary>True when breaking the rule means "not allowed" (403) rather than "conflict" (409).</summary>
    bool IsAuthorizationRule => false;

    /// <summary>True when breaking the rule means "the monthly quota does not allow it" (429).</summary>
    bool IsQuotaRule => false;
}

public static class Rules
{
    public static void Check(IBusinessRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.IsBroken())
        {
            throw new DomainRuleViolationException(rule);
        }
    }
}
