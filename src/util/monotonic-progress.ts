/**
 * Wraps a progress callback so that it sees each fraction at most once, never
 * a smaller one than before, and never above 1: build steps report their own
 * shares, which may overlap or repeat.
 */
export function monotonicProgress(onProgress: ((fraction: number) => void) | undefined): (fraction: number) => void {
  let last = -1;
  return (fraction) => {
    const value = Math.min(1, Math.max(last, fraction));
    if (onProgress === undefined || value === last) return;
    last = value;
    onProgress(value);
  };
}
