/**
 * How PET writes money, durations and instants for people (the feed, KPI values). Payloads
 * carry raw facts (minor units and a currency code, integer minutes, RFC 3339 instants); the
 * words are made here, the same way on every machine and Node.js version (no locale data
 * beyond each currency's digits).
 */

/** `EUR 12,500.00` from 1250000 minor units; `JPY 1,200` for a currency without decimals. */
export function money(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const negative = minor < 0;
  const units = Math.abs(minor);
  const scale = 10 ** digits;
  const whole = Math.floor(units / scale)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = digits === 0 ? '' : `.${String(units % scale).padStart(digits, '0')}`;
  return `${negative ? '-' : ''}${currency} ${whole}${fraction}`;
}

const digitsByCurrency = new Map<string, number>();

/** ISO 4217 minor-unit digits (2 when the runtime does not know the code). */
function currencyDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
        .maximumFractionDigits;
    } catch {
      digits = 2;
    }
    digitsByCurrency.set(currency, digits ?? 2);
  }
  return digits ?? 2;
}

/** `1 h 30 min`, `45 min`, `8 h`. */
export function duration(minutes: number): string {
  const sign = minutes < 0 ? '-' : '';
  const total = Math.abs(minutes);
  const hours = Math.floor(total / 60);
  const rest = total % 60;
  if (hours === 0) return `${sign}${rest} min`;
  return rest === 0 ? `${sign}${hours} h` : `${sign}${hours} h ${rest} min`;
}

/** `2026-11-20 14:05 UTC`. */
export function instant(value: string): string {
  return `${value.slice(0, 10)} ${value.slice(11, 16)} UTC`;
}

/** `14:05`. */
export function clock(value: string): string {
  return value.slice(11, 16);
}

/** `in_person` → `in person`. */
export function code(value: string): string {
  return value.replaceAll('_', ' ');
}

/** `1 time entry`, `12 time entries`. */
export function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
