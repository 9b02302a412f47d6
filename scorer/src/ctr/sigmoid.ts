/** The logistic function, written to stay finite for any finite logit. */
export function sigmoid(logit: number): number {
  if (logit >= 0) return 1 / (1 + Math.exp(-logit));
  const e = Math.exp(logit);
  return e / (1 + e);
}

/** Inverse of {@link sigmoid}; p must lie strictly between 0 and 1. */
export function logit(p: number): number {
  return Math.log(p / (1 - p));
}

/** log(1 + e^x) without overflow: the binomial log-likelihood is written with it. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}
