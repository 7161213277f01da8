import { useEffect, useState } from "react";

const SEARCH_DEBOUNCE_MS = 300;

interface SearchInputProps {
  value: string;
  onChange: (value: string) => void;
  label: string;
  placeholder?: string;
}

/** A search box that reports its text once typing pauses, so each key press is not a request. */
export function SearchInput({ value, onChange, label, placeholder }: SearchInputProps) {
  const [text, setText] = useState(value);
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text === value) return;
    const timer = window.setTimeout(() => onChange(text), SEARCH_DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text, value, onChange]);
  return <input type="search" aria-label={label} placeholder={placeholder ?? `${label}…`} value={text} onChange={(event) => setText(event.target.value)} />;
}
