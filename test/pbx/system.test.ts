/** System info from 08's bytes: FullyBooted through the reducer, CoreSettings and CoreStatus, the PBX's zone inferred or assumed. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAll } from '../../lib/ami/parser';
import { emptyPbxSystem, emptyState, step } from '../../lib/pbx';
import { fromCoreSettings, fromCoreStatus, fromFullyBooted, inferUtcOffset, localAsUtc } from '../../lib/pbx/system';
import { transcriptPath } from '../fixtures/transcripts';
import { ev } from './events';

const packets = parseAll(readFileSync(transcriptPath('08-phones-and-system'))).packets;
const byActionId = (id: string) => packets.find((p) => p.fields.ActionID === id && p.fields.Response === 'Success')!.fields;
const fullyBooted = packets.find((p) => p.fields.Event === 'FullyBooted')!;
const coreSettings = byActionId('ceo-10');
const coreStatus = byActionId('ceo-11');

/** 08's PBX runs in UTC and started at 08:36:02 on 2026-12-01. */
const STARTED_MS = 1_796_114_162_000;
/** SuccessfulAuth, right after FullyBooted, is stamped 1796114264.940802; FullyBooted itself has no Timestamp. */
const BOOTED_SEEN_AT = 1_796_114_264_940;

describe('FullyBooted', () => {
  it('records the start and the last reload as the event time less Uptime and LastReload', () => {
    const state = emptyState();
    const ops = step(state, fullyBooted, BOOTED_SEEN_AT);
    expect(state.pbx.fullyBooted).toBe(true);
    expect(state.pbx.system).toMatchObject({ bootedAt: BOOTED_SEEN_AT - 102_000, startedAt: BOOTED_SEEN_AT - 102_000 });
    expect(state.pbx.system.reloadedAt).toBe(BOOTED_SEEN_AT - 102_000);
    expect(Math.round(state.pbx.system.startedAt / 1000)).toBe(STARTED_MS / 1000 + 1);
    expect(ops).toHaveLength(1);
    // The same FullyBooted again changes nothing.
    expect(step(state, fullyBooted, BOOTED_SEEN_AT)).toEqual([]);
  });
});

describe('Reload', () => {
  it('moves the reload time, except for a reload queued before the boot or refused as one runs already', () => {
    const state = emptyState();
    step(state, ev('Reload', { Module: 'res_pjsip.so', Status: '6', Timestamp: '1796114300.5' }), 0);
    expect(state.pbx.system.reloadedAt).toBe(1_796_114_300_500);
    for (const s of ['1', '4']) expect(step(state, ev('Reload', { Module: 'All', Status: s }), 1_796_114_400_000)).toEqual([]);
  });
});

describe('CoreSettings', () => {
  it('reads the versions, the name and the limits', () => {
    expect(fromCoreSettings(emptyPbxSystem(), coreSettings)).toMatchObject({
      amiVersion: '11.0.0',
      asteriskVersion: '22.8.2',
      systemName: '',
      maxCalls: 5000,
      maxLoadAvg: 0,
    });
  });
});

describe('CoreStatus', () => {
  const booted = fromFullyBooted(emptyPbxSystem(), fullyBooted.fields, BOOTED_SEEN_AT);

  it('turns the local start and reload into instants with the zone FullyBooted implies (UTC in 08)', () => {
    // The server's own zone is ignored when FullyBooted tells the PBX's.
    const s = fromCoreStatus(booted, coreStatus, 120, BOOTED_SEEN_AT + 5);
    expect(s).toMatchObject({
      startedAt: STARTED_MS,
      reloadedAt: STARTED_MS,
      utcOffsetMin: 0,
      utcOffsetKnown: true,
      currentCalls: 0,
      processedCalls: 4,
      checkedAt: BOOTED_SEEN_AT + 5,
    });
    expect(Object.is(s.utcOffsetMin, 0)).toBe(true);
  });

  it('infers a zone east or west of UTC, quarter hours included', () => {
    for (const offset of [60, -300, 330, 345, -570, 840, -720]) {
      // The same boot on a PBX whose clock reads `offset` minutes ahead of UTC.
      const local = new Date(STARTED_MS + offset * 60_000).toISOString();
      const fields = { ...coreStatus, CoreStartupDate: local.slice(0, 10), CoreStartupTime: local.slice(11, 19) };
      const s = fromCoreStatus(booted, fields, 0, BOOTED_SEEN_AT);
      expect(s.utcOffsetMin).toBe(offset);
      expect(s.utcOffsetKnown).toBe(true);
      expect(s.startedAt).toBe(STARTED_MS);
    }
  });

  it('assumes the fallback zone without a FullyBooted (no read=system)', () => {
    const s = fromCoreStatus(emptyPbxSystem(), coreStatus, 60, BOOTED_SEEN_AT);
    expect(s).toMatchObject({ utcOffsetMin: 60, utcOffsetKnown: false, startedAt: STARTED_MS - 3_600_000 });
  });

  it('assumes the fallback when the FullyBooted start is not the same start (a restart since)', () => {
    const stale = { ...booted, bootedAt: booted.bootedAt - 7 * 60_000 };
    expect(fromCoreStatus(stale, coreStatus, 0, BOOTED_SEEN_AT).utcOffsetKnown).toBe(false);
    expect(inferUtcOffset(localAsUtc('2026-12-01', '08:36:02')!, STARTED_MS - 15 * 3_600_000)).toBeUndefined();
  });

  it("reads a reload in another season of the zone with that season's offset", () => {
    // Started in winter at UTC+1, reloaded in summer at UTC+2; the Reload event gave the reload's instant.
    const reloadAt = STARTED_MS + 200 * 86_400_000;
    const local = (ms: number, offset: number) => new Date(ms + offset * 60_000).toISOString();
    const fields = {
      ...coreStatus,
      CoreStartupDate: local(STARTED_MS, 60).slice(0, 10),
      CoreStartupTime: local(STARTED_MS, 60).slice(11, 19),
      CoreReloadDate: local(reloadAt, 120).slice(0, 10),
      CoreReloadTime: local(reloadAt, 120).slice(11, 19),
    };
    const state = emptyState();
    state.pbx.system = booted;
    step(state, ev('Reload', { Module: 'All', Status: '0', Timestamp: String((reloadAt + 1500) / 1000) }), 0);
    expect(state.pbx.system.reloadedAt).toBe(reloadAt + 1500);
    const s = fromCoreStatus(state.pbx.system, fields, 0, reloadAt + 2000);
    expect(s).toMatchObject({ utcOffsetMin: 60, startedAt: STARTED_MS, reloadedAt: reloadAt });
  });

  it('gives 0 for a time it cannot read', () => {
    expect(localAsUtc('2026-12-01', '8:36')).toBeUndefined();
    const s = fromCoreStatus(booted, { ...coreStatus, CoreReloadDate: '' }, 0, 1);
    expect(s.reloadedAt).toBe(0);
    expect(s.startedAt).toBe(STARTED_MS);
  });
});
