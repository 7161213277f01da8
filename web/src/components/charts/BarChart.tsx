import { colorAt } from "./palette";

export interface ChartDatum {
  label: string;
  value: number;
  color?: string;
  href?: string;
}

/** Horizontal bars, one row per datum; labels stay readable at any width. */
export function BarChart({ data, onSelect }: { data: ChartDatum[]; onSelect?: (datum: ChartDatum) => void }) {
  const max = Math.max(1, ...data.map((d) => d.value));
  return (
    <ul className="bar-chart">
      {data.map((datum, index) => {
        const content = (
          <>
            <span className="bar-label">{datum.label}</span>
            <span className="bar-track">
              <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                <rect x="0" y="0" height="10" width={(datum.value / max) * 100} rx="2" fill={datum.color ?? colorAt(index)} />
              </svg>
            </span>
            <span className="bar-value">{datum.value}</span>
          </>
        );
        return (
          <li key={datum.label}>
            {onSelect ? (
              <button type="button" className="bar-row bar-row-link" onClick={() => onSelect(datum)}>
                {content}
              </button>
            ) : (
              <div className="bar-row">{content}</div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
