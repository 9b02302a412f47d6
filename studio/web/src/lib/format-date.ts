/** A moment as the language writes it: "2026年12月5日 11:51" / "Dec 5, 2026, 11:51 AM" (never the ambiguous 12/5/26). */
export function formatDateTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A count as the language writes it: 12,500 / 12,500 (both use grouping, but the page must ask Intl, not concatenate). */
export function formatNumber(value: number, language: string, digits = 0): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(value);
}
