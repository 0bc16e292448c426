/**
 * Date and timestamp text for the filter language: parsing `date '...'` /
 * `timestamp '...'` literals and printing them back. Dates count days and
 * timestamps count nanoseconds since the Unix epoch, in UTC.
 *
 * @internal
 * @module
 */

const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_DAY = 86_400n * NANOS_PER_SECOND;

/** Nanoseconds in one unit of an Arrow `TimeUnit` (SECOND = 0 ... NANOSECOND = 3). */
export const NANOS_PER_UNIT: readonly bigint[] = [1_000_000_000n, 1_000_000n, 1_000n, 1n];

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const DATE_PATTERN = /^(-?\d{4,6})-(\d{1,2})-(\d{1,2})$/;
const TIMESTAMP_PATTERN =
  /^(-?\d{4,6})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Days since the epoch for `YYYY-MM-DD`, or undefined when the text is not a valid date. */
export function parseDateText(text: string): number | undefined {
  const m = DATE_PATTERN.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

/**
 * Nanoseconds since the epoch for `YYYY-MM-DD[( |T)HH:MM[:SS[.fffffffff]]][Z|±HH[:MM]]`,
 * or undefined. Text without an offset is read as UTC, as DataFusion reads naive timestamps.
 */
export function parseTimestampText(text: string): bigint | undefined {
  const m = TIMESTAMP_PATTERN.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = BigInt((m[7] ?? "").padEnd(9, "0"));
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone.toUpperCase() !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || 0);
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (hours * 60 + minutes);
  }
  const seconds = BigInt(hour * 3600 + minute * 60 + second - offsetMinutes * 60);
  return BigInt(daysFromCivil(year, month, day)) * NANOS_PER_DAY + seconds * NANOS_PER_SECOND + fraction;
}

function pad(value: number, width: number): string {
  const text = String(Math.abs(value)).padStart(width, "0");
  return value < 0 ? `-${text}` : text;
}

/** `YYYY-MM-DD` for days since the epoch. */
export function formatDate(days: number): string {
  const [year, month, day] = civilFromDays(days);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** `YYYY-MM-DDTHH:MM:SS[.fffffffff]` (fraction trimmed) for nanoseconds since the epoch. */
export function formatTimestamp(nanoseconds: bigint): string {
  let days = nanoseconds / NANOS_PER_DAY;
  let rest = nanoseconds % NANOS_PER_DAY;
  if (rest < 0n) {
    rest += NANOS_PER_DAY;
    days -= 1n;
  }
  const seconds = Number(rest / NANOS_PER_SECOND);
  const fraction = rest % NANOS_PER_SECOND;
  const time = `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
  const fractionText = fraction === 0n ? "" : `.${String(fraction).padStart(9, "0").replace(/0+$/, "")}`;
  return `${formatDate(Number(days))}T${time}${fractionText}`;
}

/** Days since the epoch to nanoseconds (midnight UTC). */
export function daysToNanos(days: number): bigint {
  return BigInt(days) * NANOS_PER_DAY;
}

/** The day (floor) containing a timestamp in nanoseconds. */
export function nanosToDays(nanoseconds: bigint): number {
  const days = nanoseconds / NANOS_PER_DAY;
  return Number(nanoseconds < 0n && days * NANOS_PER_DAY !== nanoseconds ? days - 1n : days);
}

/** Floor division of bigints (JS `/` truncates toward zero). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}
