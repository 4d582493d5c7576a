export const quantile = (sorted: number[], q: number): number => {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
};

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number[];
}

/** Median, min and max of repeated measurements of one figure. */
export const spread = (values: number[]): Spread => {
  const s = [...values].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), min: s[0] ?? Number.NaN, max: s.at(-1) ?? Number.NaN, runs: values };
};

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;
