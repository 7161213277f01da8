export const PAGE_SIZES = [25, 50, 100, 200] as const;

interface PaginationProps {
  /** 1-based page number. */
  page: number;
  pageSize: number;
  total: number;
  /** Rows on the current page. */
  shown: number;
  onPage: (page: number) => void;
  onPageSize?: (size: number) => void;
  noun?: string;
}

/** "26–50 of 120" with previous/next and an optional page-size choice. */
export function Pagination({ page, pageSize, total, shown, onPage, onPageSize, noun = "rows" }: PaginationProps) {
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = (page - 1) * pageSize + shown;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <div className="pagination" aria-label="Pagination">
      <span className="muted">
        {first}–{last} of {total}
      </span>
      <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </button>
      <span className="muted small">
        Page {page} of {pages}
      </span>
      <button type="button" className="btn btn-small" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next
      </button>
      {onPageSize && (
        <select aria-label={`${noun} per page`} value={pageSize} onChange={(event) => onPageSize(Number(event.target.value))}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size} per page
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
