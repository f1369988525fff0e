/**
 * Reading template variables. Some come from the request (the user agent of a new
 * sign-in), so every variable is treated as hostile: control characters are flattened
 * here, and HTML is escaped by the renderer. Also the formatting of durations and times.
 */
import type { TemplateData } from './types.js';

// Line breaks, other control characters and bidi overrides in a variable could forge extra
// lines or reorder text in a message ("Not you? Visit https://evil.example").
const UNSAFE_CHARACTERS = /[\p{Cc}\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069]+/gu;

export function oneLine(value: string): string {
  return value.replace(UNSAFE_CHARACTERS, ' ').trim();
}

/** Reads template variables; a missing or empty one is `undefined`, never the text "undefined". */
export class TemplateVars {
  constructor(private readonly data: TemplateData) {}

  get(key: string): string | undefined {
    const value: unknown = Object.hasOwn(this.data, key) ? this.data[key] : undefined;
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
    if (typeof value !== 'string') return undefined;
    const flat = oneLine(value);
    return flat === '' ? undefined : flat;
  }

  or(key: string, fallback: string): string {
    return this.get(key) ?? fallback;
  }

  minutes(key: string): number | undefined {
    const value = this.data[key];
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
  }
}

export function truncate(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/** 1440 → "1 day", 60 → "1 hour", 10 → "10 minutes". */
export function duration(minutes: number): string {
  const whole = Math.max(1, Math.round(minutes));
  if (whole % 1440 === 0) return plural(whole / 1440, 'day');
  if (whole % 60 === 0) return plural(whole / 60, 'hour');
  return plural(whole, 'minute');
}

/** An ISO time as "2026-01-01 12:00 UTC" (unambiguous whatever the reader's locale). */
export function formatTime(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return value;
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
