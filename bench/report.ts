/**
 * @module
 * The bench's output format: one line per figure, with its value, its goal and `met` or
 * `NOT MET`. Every `bench/<topic>.ts` that exports `measure()` returns {@link Figure}s;
 * bench/index.ts runs each in a process of its own and prints them with {@link formatFigure}.
 */

/** One measured figure and the goal it is held to. */
export type Figure = {
  figure: string;
  value: number;
  unit: string;
  goal: number;
  better: 'lower' | 'higher';
  /** Said after the verdict: how it was measured, or why it was not (then `value` is NaN). */
  note?: string;
};

/** What a bench module exports to be run by `npm run bench`. */
export type Measure = () => Promise<Figure[]>;

/** True when the figure meets its goal; a figure not measured (NaN) does not. */
export function met(f: Figure): boolean {
  if (!Number.isFinite(f.value)) return false;
  return f.better === 'lower' ? f.value <= f.goal : f.value >= f.goal;
}

function shown(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return value.toFixed(value >= 10 ? 1 : 2);
}

/**
 * One line: name, value and unit, goal, verdict (and the note).
 * @example
 * formatFigure({ figure: 'traced / untraced', value: 1.04, unit: '×', goal: 1.1, better: 'lower' })
 * // 'traced / untraced  1.04 ×  goal ≤ 1.10 ×  met'
 */
export function formatFigure(f: Figure, width = 0): string {
  const goal = `goal ${f.better === 'lower' ? '≤' : '≥'} ${shown(f.goal)} ${f.unit}`;
  const value = `${shown(f.value)} ${f.unit}`;
  const verdict = met(f) ? 'met' : 'NOT MET';
  const note = f.note ? `  (${f.note})` : '';
  return `${f.figure.padEnd(width)}  ${value.padStart(10)}  ${goal.padEnd(16)}  ${verdict}${note}`;
}

/** A ratio figure from two medians, with both in the note. */
export function ratioFigure(
  figure: string,
  numerator: number,
  denominator: number,
  goal: number,
  unitOfParts = 'ms'
): Figure {
  return {
    figure,
    value: numerator / denominator,
    unit: '×',
    goal,
    better: 'lower',
    note: `${shown(numerator)} / ${shown(denominator)} ${unitOfParts}`,
  };
}
