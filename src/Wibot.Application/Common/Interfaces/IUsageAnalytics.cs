using Wibot.Application.Analytics.GetAnalytics;
using Wibot.Application.Analytics.GetLegacyStats;

namespace Wibot.Application.Common.Interfaces;

/// <summary>Usage figures computed by the store (aggregates over every message of a period).</summary>
public interface IUsageAnalytics
{
    /// <summary>The figures of whole days <paramref name="firstDay"/> to <paramref name="lastDay"/> (inclusive), quotas as of the month of <paramref name="lastDay"/>.</summary>
    Task<AnalyticsResponse> ForPeriodAsync(DateOnly firstDay, DateOnly lastDay, CancellationToken ct);

    /// <summary>The n8n-era dashboard block for the <paramref name="days"/> days ending at <paramref name="now"/>.</summary>
    Task<LegacyStats> LegacyWindowAsync(int days, DateTimeOffset now, CancellationToken ct);
}
