const units = ['B', 'KB', 'MB', 'GB'] as const;

/** 1 572 864 → "1.5 MB": 1024-based, the way Windows Explorer shows file sizes. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
