import type { ChartDatum } from "./BarChart";
import { colorAt } from "./palette";

const RADIUS = 40;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/** Ring chart drawn with stroke-dasharray arcs, plus a legend. */
export function DonutChart({ data, onSelect }: { data: ChartDatum[]; onSelect?: (datum: ChartDatum) => void }) {
  const total = data.reduce((sum, datum) => sum + datum.value, 0);
  let offset = 0;
  return (
    <div className="donut">
      <svg viewBox="0 0 100 100" role="img" aria-label={data.map((d) => `${d.label}: ${d.value}`).join(", ")}>
        <circle cx="50" cy="50" r={RADIUS} fill="none" stroke="var(--border)" strokeWidth="14" />
        {total > 0 &&
          data.map((datum, index) => {
            const length = (datum.value / total) * CIRCUMFERENCE;
            const arc = (
              <circle
                key={datum.label}
                cx="50"
                cy="50"
                r={RADIUS}
                fill="none"
                stroke={datum.color ?? colorAt(index)}
                strokeWidth="14"
                strokeDasharray={`${length} ${CIRCUMFERENCE - length}`}
                strokeDashoffset={-offset}
                transform="rotate(-90 50 50)"
              />
            );
            offset += length;
            return arc;
          })}
        <text x="50" y="54" textAnchor="middle" className="donut-total">
          {total}
        </text>
      </svg>
      <ul className="legend">
        {data.map((datum, index) => (
          <li key={datum.label}>
            <button type="button" className="legend-item" disabled={!onSelect} onClick={() => onSelect?.(datum)}>
              <span className="legend-swatch" style={{ background: datum.color ?? colorAt(index) }} aria-hidden="true" />
              {datum.label} <span className="muted">({datum.value})</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
