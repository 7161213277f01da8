import { useCallback, useEffect, useRef, useState, type ReactNode } from "react";

interface VirtualListProps<T> {
  items: T[];
  rowHeight: number;
  /** Visible height of the scroll area in pixels. */
  height: number;
  overscan?: number;
  getKey: (item: T) => string;
  renderRow: (item: T, index: number) => ReactNode;
  /** Called when the user scrolls near the end (for loading the next page). */
  onNearEnd?: () => void;
  className?: string;
}

export interface VisibleRange {
  start: number;
  end: number;
}

/** Which rows intersect the viewport, padded by `overscan` rows each side. */
export function visibleRange(scrollTop: number, height: number, rowHeight: number, count: number, overscan: number): VisibleRange {
  const first = Math.floor(scrollTop / rowHeight);
  const visible = Math.ceil(height / rowHeight);
  return {
    start: Math.max(0, first - overscan),
    end: Math.min(count, first + visible + overscan),
  };
}

/** Fixed-row-height windowing: only rows in view are mounted, so 10,000 rows scroll smoothly. */
export function VirtualList<T>({ items, rowHeight, height, overscan = 8, getKey, renderRow, onNearEnd, className }: VirtualListProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const frame = useRef<number | null>(null);

  const onScroll = useCallback(() => {
    if (frame.current !== null) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = null;
      setScrollTop(scrollRef.current?.scrollTop ?? 0);
    });
  }, []);

  useEffect(() => () => {
    if (frame.current !== null) cancelAnimationFrame(frame.current);
  }, []);

  const range = visibleRange(scrollTop, height, rowHeight, items.length, overscan);

  useEffect(() => {
    if (onNearEnd && range.end >= items.length - overscan && items.length > 0) onNearEnd();
  }, [range.end, items.length, overscan, onNearEnd]);

  return (
    <div ref={scrollRef} className={`virtual-scroll ${className ?? ""}`} style={{ height }} onScroll={onScroll} role="rowgroup">
      <div style={{ height: items.length * rowHeight, position: "relative" }}>
        {items.slice(range.start, range.end).map((item, offset) => {
          const index = range.start + offset;
          return (
            <div key={getKey(item)} className="virtual-row" style={{ position: "absolute", top: index * rowHeight, height: rowHeight, left: 0, right: 0 }}>
              {renderRow(item, index)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
