const RADIUS = 40;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/** Green from 80 %, amber from 50 %, red below. */
export function scoreTone(percent: number): "ok" | "warn" | "danger" {
  if (percent >= 80) return "ok";
  if (percent >= 50) return "warn";
  return "danger";
}

/** A single percentage as a ring with the number in the middle. */
export function ScoreRing({ percent, label, size = 72 }: { percent: number; label: string; size?: number }) {
  const clamped = Math.max(0, Math.min(100, percent));
  const length = (clamped / 100) * CIRCUMFERENCE;
  return (
    <svg className="score-ring" width={size} height={size} viewBox="0 0 100 100" role="img" aria-label={`${label}: ${clamped}%`}>
      <circle cx="50" cy="50" r={RADIUS} fill="none" stroke="var(--border)" strokeWidth="12" />
      <circle
        cx="50"
        cy="50"
        r={RADIUS}
        fill="none"
        stroke={`var(--${scoreTone(clamped)})`}
        strokeWidth="12"
        strokeLinecap="round"
        strokeDasharray={`${length} ${CIRCUMFERENCE - length}`}
        transform="rotate(-90 50 50)"
      />
      <text x="50" y="50" textAnchor="middle" dominantBaseline="central" fontSize="24" fontWeight="700" fill="currentColor">
        {clamped}%
      </text>
    </svg>
  );
}
