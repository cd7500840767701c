namespace Wibot.Domain.Common;

/// <summary>A named domain rule. Aggregates check rules through <see cref="Rules.Check"/>.</summary>
public interface IBusinessRule
{
    bool IsBroken();

    string Message { get; }

    /// <summary>What breaking the rule means for the caller (the API maps each kind to one status).</summary>
    RuleKind Kind => RuleKind.Conflict;
}

/// <summary>The kinds of broken rule: the state forbids it now (409), the actor may not (403), the monthly quota does not allow it (429).</summary>
public enum RuleKind
{
    Conflict = 0,
    Forbidden = 1,
    QuotaExceeded = 2,
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
