/**
 * Calendar days as ISO strings (YYYY-MM-DD). Plain strings compare in date order, store as they
 * are in SQLite and print as they are in tests; arithmetic goes through UTC so no time zone or
 * daylight-saving change can shift a day.
 */

/** An inclusive range of days; a null end is open (no lower or no upper bound). */
export interface DateWindow {
  from: string | null;
  to: string | null;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function fromUtc(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** The day for a year, a month (1-12) and a day of month; out-of-range values roll over (day 0 = last day of the previous month). */
export function dayOf(year: number, month: number, day: number): string {
  return fromUtc(new Date(Date.UTC(year, month - 1, day)));
}

/** The calendar day of a clock reading, in the local time zone (the one chrono-node reads dates in). */
export function localDay(now: Date): string {
  return dayOf(now.getFullYear(), now.getMonth() + 1, now.getDate());
}

export function partsOf(day: string): { year: number; month: number; day: number } {
  const [y, m, d] = day.split('-').map(Number);
  return { year: y!, month: m!, day: d! };
}

export function addDays(day: string, n: number): string {
  const p = partsOf(day);
  return dayOf(p.year, p.month, p.day + n);
}

/** The same day of month n months later, clamped to the month's last day (31 March - 1 month = 28/29 February). */
export function addMonths(day: string, n: number): string {
  const p = partsOf(day);
  const last = partsOf(lastDayOfMonth(p.year, p.month + n)).day;
  return dayOf(p.year, p.month + n, Math.min(p.day, last));
}

export function lastDayOfMonth(year: number, month: number): string {
  return dayOf(year, month + 1, 0);
}

export function monthWindow(year: number, month: number): DateWindow {
  return { from: dayOf(year, month, 1), to: lastDayOfMonth(year, month) };
}

export function yearWindow(year: number): DateWindow {
  return { from: dayOf(year, 1, 1), to: dayOf(year, 12, 31) };
}

/** Monday..Sunday around a day (weeks start on Monday in France, and in ISO 8601). */
export function weekWindow(day: string): DateWindow {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  const monday = addDays(day, -((weekday + 6) % 7));
  return { from: monday, to: addDays(monday, 6) };
}

/** The smallest window covering both (an open end stays open). */
export function hull(a: DateWindow, b: DateWindow): DateWindow {
  return {
    from: a.from === null || b.from === null ? null : a.from < b.from ? a.from : b.from,
    to: a.to === null || b.to === null ? null : a.to > b.to ? a.to : b.to,
  };
}
