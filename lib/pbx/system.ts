/**
 * What Asterisk says about itself, read from three answers (manager.c):
 *
 * - FullyBooted (at login, read=system): `Uptime` and `LastReload` in whole
 *   seconds before the event. It has no Timestamp, so its time is when it
 *   arrived.
 * - CoreSettings: versions, system name and the configured limits.
 * - CoreStatus: start and last reload as the PBX's local wall-clock time,
 *   with no zone (ast_localtime), and the channel and call counts.
 * - Reload (read=system): the moment of a reload, as it happens.
 *
 * To turn CoreStatus's local times into instants the PBX's zone is needed.
 * FullyBooted gives the start as an instant; the same start as local time,
 * read as if it were UTC, differs from it by the zone's offset. Zones are
 * whole quarter hours, so the difference is rounded to 15 minutes, which
 * also absorbs the second FullyBooted rounds to and a modest clock skew.
 * Without FullyBooted the caller's fallback (the server's own zone) is used.
 */
import type { Fields } from './fields';
import type { PbxSystem } from './model';

const QUARTER_HOUR_MS = 15 * 60_000;
/** Zones run from UTC−12 to UTC+14. */
const MIN_OFFSET_MIN = -12 * 60;
const MAX_OFFSET_MIN = 14 * 60;
/**
 * Further from a quarter hour than this, the two starts are not the same
 * start (the FullyBooted was from before a restart): the fallback is safer.
 */
const MAX_RESIDUAL_MS = 120_000;

const num = (v: string | undefined): number => {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isFinite(n) ? n : 0;
};

/** FullyBooted at `at`: when Asterisk started and last reloaded. */
export function fromFullyBooted(prev: PbxSystem, f: Fields, at: number): PbxSystem {
  const uptime = f.Uptime === undefined ? NaN : Number(f.Uptime);
  const lastReload = f.LastReload === undefined ? NaN : Number(f.LastReload);
  if (!Number.isFinite(uptime)) return prev;
  const bootedAt = at - uptime * 1000;
  return {
    ...prev,
    bootedAt,
    startedAt: bootedAt,
    reloadedAt: Number.isFinite(lastReload) ? at - lastReload * 1000 : prev.reloadedAt,
  };
}

export function fromCoreSettings(prev: PbxSystem, f: Fields): PbxSystem {
  return {
    ...prev,
    amiVersion: f.AMIversion ?? '',
    asteriskVersion: f.AsteriskVersion ?? '',
    systemName: f.SystemName ?? '',
    maxCalls: num(f.CoreMaxCalls),
    maxLoadAvg: num(f.CoreMaxLoadAvg),
  };
}

/**
 * A Reload event: ast_module_reload stamps the reload time before it looks
 * for the module, so every outcome moves it but a reload queued before the
 * boot finished (1) and one refused because another runs (4) (loader.c).
 */
export function fromReload(prev: PbxSystem, f: Fields, at: number): PbxSystem {
  if (f.Status === '1' || f.Status === '4') return prev;
  return { ...prev, reloadedAt: at };
}

/**
 * CoreStatus answered at `at`. `fallbackOffsetMin` is the zone assumed when
 * no FullyBooted tells the PBX's (minutes east of UTC, as
 * `-new Date().getTimezoneOffset()` gives it).
 *
 * The reload time is matched against the reload instant already known (from
 * FullyBooted's LastReload or a Reload event's time) on its own: a reload in
 * summer on a PBX that started in winter is an hour further from UTC.
 */
export function fromCoreStatus(prev: PbxSystem, f: Fields, fallbackOffsetMin: number, at: number): PbxSystem {
  const startLocal = localAsUtc(f.CoreStartupDate, f.CoreStartupTime);
  const reloadLocal = localAsUtc(f.CoreReloadDate, f.CoreReloadTime);
  const inferred = startLocal === undefined ? undefined : inferUtcOffset(startLocal, prev.bootedAt);
  const utcOffsetMin = inferred ?? fallbackOffsetMin;
  const reloadOffsetMin = (reloadLocal === undefined ? undefined : inferUtcOffset(reloadLocal, prev.reloadedAt)) ?? utcOffsetMin;
  return {
    ...prev,
    startedAt: startLocal === undefined ? 0 : startLocal - utcOffsetMin * 60_000,
    reloadedAt: reloadLocal === undefined ? 0 : reloadLocal - reloadOffsetMin * 60_000,
    utcOffsetMin,
    utcOffsetKnown: inferred !== undefined,
    currentCalls: num(f.CoreCurrentCalls),
    processedCalls: num(f.CoreProcessedCalls),
    checkedAt: at,
  };
}

/** `2026-12-01` `08:36:02` as if it were UTC, ms; undefined when either is missing or malformed. */
export function localAsUtc(date: string | undefined, time: string | undefined): number | undefined {
  const d = date === undefined ? null : /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = time === undefined ? null : /^(\d{2}):(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return undefined;
  const ms = Date.UTC(+d[1], +d[2] - 1, +d[3], +t[1], +t[2], +t[3]);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The zone's offset in minutes from a local time (read as UTC) and the same moment as an instant; undefined when they do not match. */
export function inferUtcOffset(localAsUtcMs: number, instant: number): number | undefined {
  if (instant <= 0) return undefined;
  const diff = localAsUtcMs - instant;
  const quarters = Math.round(diff / QUARTER_HOUR_MS);
  if (Math.abs(diff - quarters * QUARTER_HOUR_MS) > MAX_RESIDUAL_MS) return undefined;
  const minutes = quarters * 15;
  if (minutes < MIN_OFFSET_MIN || minutes > MAX_OFFSET_MIN) return undefined;
  // -0 would differ from 0 in a field-by-field comparison of JSON.
  return minutes === 0 ? 0 : minutes;
}

/** Whether two system records differ in what a browser sees. */
export function systemChanged(a: PbxSystem, b: PbxSystem): boolean {
  for (const key of Object.keys(b) as (keyof PbxSystem)[]) if (a[key] !== b[key]) return true;
  return false;
}
