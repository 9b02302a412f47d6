/** The deepest JSON nesting the API accepts: far beyond any real body, far below what recursive validators survive. */
export const maxJsonDepth = 64;

/**
 * How deeply JSON text nests (`[]` and `{}` levels), counted in one pass without recursion, so a hostile body
 * 100,000 levels deep costs a linear scan instead of a stack overflow in the parser or a schema validator.
 * Brackets inside strings do not count. The text need not be valid JSON: `JSON.parse` judges that afterwards.
 * Stops early once `limit` is exceeded and returns that depth.
 */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return deepest;
}

/** How deeply an already parsed value nests, iteratively (values from a trusted parser may still be deep). */
export function valueDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const here = d + 1;
    if (here > deepest) {
      deepest = here;
      if (deepest > limit) return deepest;
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, here]);
  }
  return deepest;
}
