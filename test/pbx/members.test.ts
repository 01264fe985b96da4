/** Dynamic members: QueueMemberAdded, QueueMemberPenalty and QueueMemberRemoved, repeated, late and missing. */
import { describe, expect, it } from 'vitest';
import type { AmiPacket } from '../../lib/ami/packet';
import { emptyState, step, type PbxState } from '../../lib/pbx';
import { remove } from '../../lib/protocol';
import { ev } from './events';
import { clockAfter, segments } from './transcripts';

const NOW = 1_795_000_000_000;
const ID = 'billing|PJSIP/204';

/** Leo Brandt as app_queue's member blob spells him in 09. */
const leo = (over: Record<string, string> = {}) => ({
  Queue: 'billing',
  MemberName: 'Leo Brandt',
  Interface: 'PJSIP/204',
  StateInterface: 'PJSIP/204',
  Membership: 'dynamic',
  Penalty: '1',
  CallsTaken: '0',
  LastCall: '0',
  LastPause: '0',
  LoginTime: '1796114697',
  InCall: '0',
  Status: '1',
  Paused: '0',
  PausedReason: '',
  Ringinuse: '0',
  Wrapuptime: '0',
  ...over,
});
const run = (state: PbxState, ...events: AmiPacket[]) => events.flatMap((e) => step(state, e, NOW));

describe('dynamic members', () => {
  it('QueueMemberAdded: a dynamic member with its penalty, in a queue made for it if unknown', () => {
    const state = emptyState();
    run(state, ev('QueueMemberAdded', leo()));
    expect(state.members[ID]).toMatchObject({
      queue: 'billing',
      name: 'Leo Brandt',
      interface: 'PJSIP/204',
      membership: 'dynamic',
      penalty: 1,
      loginTime: 1796114697,
      paused: false,
    });
    expect(state.queues.billing).toBeDefined();
  });

  it('a repeated QueueMemberAdded changes nothing', () => {
    const state = emptyState();
    run(state, ev('QueueMemberAdded', leo()));
    expect(run(state, ev('QueueMemberAdded', leo()))).toEqual([]);
  });

  it('QueueMemberPenalty sets the penalty, and only that changes', () => {
    const state = emptyState();
    run(state, ev('QueueMemberAdded', leo()));
    expect(run(state, ev('QueueMemberPenalty', leo({ Penalty: '2' })))).toEqual([['u', 'members', ID, { penalty: 2 }]]);
  });

  it('a Penalty before the Added: the late Added does not take the penalty back', () => {
    const state = emptyState();
    run(state, ev('QueueMemberPenalty', leo({ Penalty: '2' })));
    expect(state.members[ID]).toMatchObject({ membership: 'dynamic', penalty: 2 });
    expect(run(state, ev('QueueMemberAdded', leo()))).toEqual([]);
    expect(state.members[ID].penalty).toBe(2);
  });

  it('an Added with a newer LoginTime is a new add (its Removed was missed): it is taken whole', () => {
    const state = emptyState();
    run(state, ev('QueueMemberAdded', leo()), ev('QueueMemberPenalty', leo({ Penalty: '2' })));
    run(state, ev('QueueMemberAdded', leo({ Penalty: '5', LoginTime: '1796114800' })));
    expect(state.members[ID]).toMatchObject({ penalty: 5, loginTime: 1796114800 });
  });

  it('QueueMemberRemoved removes it; a Removed for a member never seen, or already gone, changes nothing', () => {
    const state = emptyState();
    expect(run(state, ev('QueueMemberRemoved', leo()))).toEqual([]);
    expect(state.queues).toEqual({});
    run(state, ev('QueueMemberAdded', leo()));
    expect(run(state, ev('QueueMemberRemoved', leo()))).toEqual([remove('members', ID)]);
    expect(run(state, ev('QueueMemberRemoved', leo()))).toEqual([]);
    expect(state.members).toEqual({});
  });

  it('09: QueueAdd (penalty 1), QueuePenalty 2, QueueRemove of Leo Brandt, as Asterisk told them', () => {
    const segs = segments('09-supervisor-tools');
    const state = emptyState();
    const seen: unknown[] = [];
    for (let i = 0; i < segs.length; i++) {
      const s = segs[i];
      if (s.kind !== 'event') continue;
      step(state, s.packet, clockAfter(segs, i, 1));
      if (s.packet.fields.Interface === 'PJSIP/204')
        seen.push(state.members[ID] && { membership: state.members[ID].membership, penalty: state.members[ID].penalty });
    }
    expect(seen).toEqual([{ membership: 'dynamic', penalty: 1 }, { membership: 'dynamic', penalty: 2 }, undefined]);
  });
});
