// Units are explicit everywhere: sizes in bytes, rates in bytes/s, times in ms.
// "32 KB at 40 MB/s" is ambiguous; the three readings differ by 0.4% in service time,
// which is why the convention is a named value recorded with every result.

/** Bytes in `n` kibibytes (1024). */
export const KiB = (n: number): number => n * 1024;
/** Bytes in `n` mebibytes (1024²). */
export const MiB = (n: number): number => n * 1024 ** 2;
/** Bytes in `n` gibibytes (1024³). */
export const GiB = (n: number): number => n * 1024 ** 3;
/** Bytes in `n` decimal kilobytes (1000). */
export const kB = (n: number): number => n * 1e3;
/** Bytes in `n` decimal megabytes (10⁶). */
export const MB = (n: number): number => n * 1e6;
/** Bytes in `n` decimal gigabytes (10⁹). */
export const GB = (n: number): number => n * 1e9;
/** Bytes in `n` decimal terabytes (10¹²), as drive capacities are printed. */
export const TB = (n: number): number => n * 1e12;

/**
 * How the letters "KB" and "MB" in a spec are read:
 * - `binary`: KB = KiB, MB/s = MiB/s (the seed's reading: 9.948 ms);
 * - `mixed`: KB = KiB, MB/s = 10⁶ B/s (sizes binary, rates decimal as drive vendors print them);
 * - `decimal`: KB = 1000 B, MB/s = 10⁶ B/s.
 */
export type UnitConvention = 'binary' | 'mixed' | 'decimal';

export const unitConventions: readonly UnitConvention[] = ['binary', 'mixed', 'decimal'];

/** Bytes that one "KB" (of a size) and one "MB" (of a rate) stand for under a convention. */
export function unitScale(convention: UnitConvention): { readonly KB: number; readonly MB: number } {
  switch (convention) {
    case 'binary':
      return { KB: 1024, MB: 1024 ** 2 };
    case 'mixed':
      return { KB: 1024, MB: 1e6 };
    case 'decimal':
      return { KB: 1000, MB: 1e6 };
  }
}

/** Milliseconds to move `bytes` at `bytesPerSecond`. */
export function transferMs(bytes: number, bytesPerSecond: number): number {
  return (bytes / bytesPerSecond) * 1000;
}
