// format.js - how figures read: money strings of the API ("-195000.00")
// turned into integer cents and shown as $6,736,000 (negative in
// parentheses, as the published release prints them), percentages
// ("-2.8%", "+16.5%"), quarters ("Q1 2004"), dates and times. Arithmetic
// stays in integer cents, never in floating dollars.
//
// One date format throughout the application: "2004-03-09" (date), and
// "2004-03-09 22:30 PST" (dateTime) for a time, which the server keeps in
// UTC and answers with the time zone of the center or market it belongs to;
// the browser's Intl.DateTimeFormat turns it into that zone's clock time and
// names the zone. The published statements keep their own heading form,
// "March 31, 2004" (longDate).

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

/* "-1234.56" -> -123456 (cents); null/undefined -> null. */
export function cents(money) {
  if (money === null || money === undefined) return null;
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(money).trim());
  if (!match) throw new Error(`not a money value: ${money}`);
  const value = Number(match[2]) * 100 + Number((match[3] || '0').padEnd(2, '0'));
  return match[1] ? -value : value;
}

function groupDigits(integer) {
  return String(integer).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/* Cents rounded half away from zero to whole dollars. */
function wholeDollars(amount) {
  const sign = amount < 0 ? -1 : 1;
  return sign * Math.floor((Math.abs(amount) + 50) / 100);
}

/*
 * money("6736000.00") -> "$6,736,000"; money("-195000.00") -> "($195,000)";
 * {cents: true} keeps the cents ("$0.03"). Accepts a money string or
 * integer cents (numbers). null -> "n/a".
 */
export function money(value, { cents: showCents = false } = {}) {
  if (value === null || value === undefined) return 'n/a';
  const amount = typeof value === 'number' ? value : cents(value);
  let text;
  if (showCents) {
    const absolute = Math.abs(amount);
    text = `$${groupDigits(Math.floor(absolute / 100))}.${String(absolute % 100).padStart(2, '0')}`;
  } else {
    text = `$${groupDigits(Math.abs(wholeDollars(amount)))}`;
  }
  const negative = showCents ? amount < 0 : wholeDollars(amount) < 0;
  return negative ? `(${text})` : text;
}

/* "16.5" -> "+16.5%", "-2.8" -> "-2.8%", "0.0" -> "0.0%", null -> "n/a". */
export function percentChange(percent) {
  if (percent === null || percent === undefined) return 'n/a';
  const value = Number(percent);
  return `${value > 0 ? '+' : ''}${percent}%`;
}

/* "21.2" -> "21.2%". */
export function percent(value) {
  return value === null || value === undefined ? 'n/a' : `${value}%`;
}

/* Integers with thousands separators: 7756000 -> "7,756,000". */
export function integer(value) {
  if (value === null || value === undefined) return 'n/a';
  return `${value < 0 ? '-' : ''}${groupDigits(Math.abs(value))}`;
}

/*
 * The change between two amounts in cents, as the reports compute it:
 * {amount, percent} with percent = change / |prior| to one decimal, half
 * away from zero, as a string ("-2.8"), or null when the prior is zero.
 */
export function change(currentCents, priorCents) {
  if (currentCents === null || priorCents === null) return null;
  const amount = currentCents - priorCents;
  if (priorCents === 0) return { amount, percent: null };
  // Tenths of a percent: amount * 1000 / |prior|, rounded half away from zero.
  const tenths = (Math.abs(amount) * 1000 * 2 + Math.abs(priorCents)) / (2 * Math.abs(priorCents));
  const rounded = Math.floor(tenths) * Math.sign(amount);
  const sign = rounded < 0 ? '-' : '';
  const absolute = Math.abs(rounded);
  return { amount, percent: `${sign}${Math.floor(absolute / 10)}.${absolute % 10}` };
}

/* "2004Q1" -> "Q1 2004". */
export function quarter(period) {
  const match = /^(\d{4})Q([1-4])$/.exec(period || '');
  return match ? `Q${match[2]} ${match[1]}` : String(period || '');
}

/* A date "2004-03-31" (or the date of a timestamp) -> "2004-03-31"; ""
 * for none. */
export function date(iso) {
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(iso || '');
  return match ? match[1] : iso ? String(iso) : '';
}

/* "2004-03-31" -> "March 31, 2004" ({short: true}: "Mar 31, 2004"): the
 * headings of the published statements. */
export function longDate(iso, { short = false } = {}) {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
  if (!match) return iso ? String(iso) : '';
  const month = MONTHS[Number(match[2]) - 1];
  return `${short ? month.slice(0, 3) : month} ${Number(match[3])}, ${match[1]}`;
}

/* "2004-03-31" -> "March 31" (the "Three Months Ended March 31," header). */
export function monthDay(iso) {
  const match = /^\d{4}-(\d{2})-(\d{2})/.exec(iso || '');
  return match ? `${MONTHS[Number(match[1]) - 1]} ${Number(match[2])}` : '';
}

export function year(iso) {
  return (iso || '').slice(0, 4);
}

const clockFormats = new Map();

/* An Intl.DateTimeFormat for `zone` (cached: making one is slow); null for
 * a zone the browser does not know. */
function clockFormat(zone) {
  if (!clockFormats.has(zone)) {
    let made = null;
    try {
      made = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
      });
    } catch (error) {
      made = null;
    }
    clockFormats.set(zone, made);
  }
  return clockFormats.get(zone);
}

/*
 * A UTC timestamp of the server ("2004-03-10T06:30:00Z") as the clocks of
 * `zone` (an IANA name, "America/Los_Angeles") show it, the zone named:
 * "2004-03-09 22:30 PST". Without a zone (or one the browser does not
 * know), in UTC: "2004-03-10 06:30 UTC". "" for none.
 */
export function dateTime(isoUtc, zone) {
  if (!isoUtc) return '';
  const instant = new Date(isoUtc);
  const formatter = clockFormat(zone || 'UTC') || clockFormat('UTC');
  if (Number.isNaN(instant.getTime()) || !formatter) return String(isoUtc);
  const part = Object.fromEntries(formatter.formatToParts(instant).map((p) => [p.type, p.value]));
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute} ${part.timeZoneName}`;
}

/* The date the clocks of `zone` show at a UTC timestamp: "2004-03-10T06:30:00Z"
 * in America/Los_Angeles -> "2004-03-09". */
export function dateIn(isoUtc, zone) {
  const shown = dateTime(isoUtc, zone);
  return /^\d{4}-\d{2}-\d{2}/.test(shown) ? shown.slice(0, 10) : '';
}

/* Today as YYYY-MM-DD where the browser is (its calendar, not UTC's: in
 * California the evening is already tomorrow in UTC); with `zone`, today
 * there. The default of a date field a user fills in. */
export function today(zone) {
  if (zone) return dateIn(new Date().toISOString(), zone);
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

/*
 * The UTC timestamp at which the clocks of `zone` show the wall time
 * `local` ("2004-03-09T22:30", a datetime-local value): the wall time read
 * as UTC, moved back by the zone's offset there, which Intl tells (asked
 * twice, should the first guess fall across a change of the clocks). ""
 * when it is not such a value.
 */
export function fromLocal(local, zone) {
  const match = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.exec(local || '');
  const formatter = clockFormat(zone || 'UTC');
  if (!match || !formatter) return '';
  const wall = Date.parse(`${local}${match[1] ? '' : ':00'}Z`);
  if (Number.isNaN(wall)) return '';
  let instant = wall;
  for (let i = 0; i < 2; i++) {
    const part = Object.fromEntries(formatter.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
    const shown = Date.UTC(Number(part.year), Number(part.month) - 1, Number(part.day), Number(part.hour), Number(part.minute));
    instant = wall - (shown - Math.floor(instant / 60000) * 60000);
  }
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/* A timestamp "2026-11-21T02:57:29Z" -> "2026-11-21 02:57 UTC" (a time of
 * no center or market: users, the audit trail). */
export function timestamp(iso) {
  return dateTime(iso);
}

/* part / whole as a percentage with one decimal ("16.2"), half away from
 * zero, as the reports compute margins; null when the whole is zero. */
export function percentOf(part, whole) {
  if (part === null || whole === null || whole === 0) return null;
  const tenths = Math.floor((Math.abs(part) * 1000 * 2 + Math.abs(whole)) / (2 * Math.abs(whole)));
  const negative = tenths !== 0 && (part < 0) !== (whole < 0);
  return `${negative ? '-' : ''}${Math.floor(tenths / 10)}.${tenths % 10}`;
}

/* The difference of two percentages as points: "21.2", "14.4" -> "+6.8 pts". */
export function pointsChange(currentPercent, priorPercent) {
  if (currentPercent === null || currentPercent === undefined || priorPercent === null || priorPercent === undefined) return 'n/a';
  const tenthsOf = (text) => {
    const negative = String(text).startsWith('-');
    const [whole, fraction = '0'] = String(text).replace('-', '').split('.');
    const value = Number(whole) * 10 + Number(fraction.slice(0, 1));
    return negative ? -value : value;
  };
  const difference = tenthsOf(currentPercent) - tenthsOf(priorPercent);
  const absolute = Math.abs(difference);
  const sign = difference > 0 ? '+' : difference < 0 ? '-' : '';
  return `${sign}${Math.floor(absolute / 10)}.${absolute % 10} pts`;
}
