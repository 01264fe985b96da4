/** The PBX bounds and the drift-check interval from the environment. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@/server/config';

describe('PBX bounds and drift check in the config', () => {
  it('defaults: 20,000 channels and devices, 50,000 list items, 1,024 characters, a check every 15 minutes', () => {
    const c = loadConfig({});
    expect(c.limits).toEqual({ maxChannels: 20_000, maxDevices: 20_000, maxListItems: 50_000, maxFieldLength: 1024 });
    expect(c.driftCheckMs).toBe(15 * 60_000);
  });

  it('reads each variable, and 0 minutes turns the drift check off', () => {
    const c = loadConfig({
      CALLBOARD_MAX_CHANNELS: '500',
      CALLBOARD_MAX_DEVICES: '300',
      CALLBOARD_MAX_LIST_ITEMS: '1000',
      CALLBOARD_MAX_FIELD_LENGTH: '256',
      CALLBOARD_DRIFT_CHECK_MINUTES: '0',
    });
    expect(c.limits).toEqual({ maxChannels: 500, maxDevices: 300, maxListItems: 1000, maxFieldLength: 256 });
    expect(c.driftCheckMs).toBe(0);
    expect(loadConfig({ CALLBOARD_DRIFT_CHECK_MINUTES: '0.5' }).driftCheckMs).toBe(30_000);
  });

  it('names a bad value', () => {
    expect(() => loadConfig({ CALLBOARD_MAX_CHANNELS: 'many' })).toThrow(/CALLBOARD_MAX_CHANNELS/);
    expect(() => loadConfig({ CALLBOARD_MAX_FIELD_LENGTH: '10' })).toThrow(/CALLBOARD_MAX_FIELD_LENGTH/);
    expect(() => loadConfig({ CALLBOARD_DRIFT_CHECK_MINUTES: '-1' })).toThrow(ConfigError);
  });
});
