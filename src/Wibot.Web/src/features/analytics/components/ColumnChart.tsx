import { formatNumber } from '../../../lib/format';
import type { Bar } from './BarChart';

/** A vertical column chart in plain SVG (one column per day), labels thinned out to stay readable. */
export function ColumnChart({ bars, caption, unit }: { bars: Bar[]; caption: string; unit: string }) {
  if (bars.length === 0) return <p className="muted">Aucune donnée sur la période.</p>;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const width = 520;
  const height = 200;
  const top = 18;
  const bottom = 24;
  const left = 8;
  const plot = height - top - bottom;
  const slot = (width - left * 2) / bars.length;
  const barWidth = Math.max(2, Math.min(28, slot * 0.7));
  const labelEvery = Math.ceil(bars.length / 10);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={caption}>
        <line x1={left} x2={width - left} y1={top + plot} y2={top + plot} className="chart__axis" />
        {bars.map((bar, i) => {
          const h = bar.value > 0 ? Math.max(2, (bar.value / max) * plot) : 0;
          const x = left + i * slot + (slot - barWidth) / 2;
          return (
            <g key={`${bar.label}-${i}`}>
              <title>{bar.title ?? `${bar.label} : ${formatNumber(bar.value)} ${unit}`}</title>
              <rect x={left + i * slot} y={top} width={slot} height={plot} fill="transparent" />
              <rect x={x} y={top + plot - h} width={barWidth} height={h} rx={2} className="chart__bar" />
              {bar.value > 0 && bars.length <= 31 && (
                <text x={x + barWidth / 2} y={top + plot - h - 4} textAnchor="middle" className="chart__value">
                  {formatNumber(bar.value)}
                </text>
              )}
              {i % labelEvery === 0 && (
                <text x={x + barWidth / 2} y={height - 6} textAnchor="middle" className="chart__label">
                  {bar.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="sr-only">{caption}</figcaption>
    </figure>
  );
}
