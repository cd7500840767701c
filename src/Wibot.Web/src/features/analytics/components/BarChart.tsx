import { formatNumber } from '../../../lib/format';

export interface Bar {
  label: string;
  value: number;
  title?: string;
}

/** A horizontal bar chart in plain SVG, with a visually hidden table for screen readers. */
export function BarChart({ bars, caption, unit }: { bars: Bar[]; caption: string; unit: string }) {
  if (bars.length === 0) return <p className="muted">Aucune donnée sur la période.</p>;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowHeight = 26;
  const labelWidth = 110;
  const width = 520;
  const chartWidth = width - labelWidth - 70;
  const height = bars.length * rowHeight + 4;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={caption} preserveAspectRatio="xMinYMin meet">
        {bars.map((bar, i) => {
          const y = i * rowHeight + 2;
          const w = Math.max(bar.value > 0 ? 2 : 0, (bar.value / max) * chartWidth);
          return (
            <g key={bar.label}>
              <title>{bar.title ?? `${bar.label} : ${formatNumber(bar.value)} ${unit}`}</title>
              <text x={labelWidth - 8} y={y + rowHeight / 2 + 4} textAnchor="end" className="chart__label">
                {bar.label}
              </text>
              <rect x={labelWidth} y={y + 4} width={w} height={rowHeight - 10} rx={3} className="chart__bar" />
              <text x={labelWidth + w + 6} y={y + rowHeight / 2 + 4} className="chart__value">
                {formatNumber(bar.value)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption className="sr-only">{caption}</figcaption>
    </figure>
  );
}
