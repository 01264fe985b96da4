/**
 * Where exactly a list lands in the event stream. Asterisk writes a list's
 * answer from inside the action handler and its queued events only between
 * actions, so the bytes below are the order it produces; here they are pinned
 * into single TCP writes (the demo PBX gives the same only by chance), with
 * events right before the list's Response and right after its Complete.
 */
import type net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@/server/log';
import { startScriptedAmi } from '../support/scripted-ami';
import { PbxSession } from '@/server/pbx-session';
import { waitFor } from './mirror';

const packet = (lines: string[]): string => `${lines.join('\r\n')}\r\n\r\n`;
const ts = '1795664553.031378';

function channelItem(id: string, uid: string, name: string): string {
  return packet([
    'Event: CoreShowChannel',
    `ActionID: ${id}`,
    `Channel: ${name}`,
    `Uniqueid: ${uid}`,
    `Linkedid: ${uid}`,
    'Context: internal',
    'Exten: 101',
    'Priority: 1',
    'ChannelState: 6',
    'ChannelStateDesc: Up',
    'Application: Wait',
    'ApplicationData: 600',
    'CallerIDNum: 21001',
    'CallerIDName: Caller',
    'ConnectedLineNum: <unknown>',
    'ConnectedLineName: <unknown>',
    'Language: en',
    'AccountCode: ',
    'BridgeId: ',
    'Duration: 00:00:05',
  ]);
}

const newchannel = (uid: string, name: string) =>
  packet([
    'Event: Newchannel',
    'Privilege: call,all',
    `Timestamp: ${ts}`,
    `Channel: ${name}`,
    'ChannelState: 0',
    'ChannelStateDesc: Down',
    'CallerIDNum: 21002',
    'CallerIDName: <unknown>',
    'ConnectedLineNum: <unknown>',
    'ConnectedLineName: <unknown>',
    'Language: en',
    'AccountCode: ',
    'Context: callers',
    'Exten: 21002',
    'Priority: 1',
    `Uniqueid: ${uid}`,
    `Linkedid: ${uid}`,
  ]);

const hangup = (uid: string, name: string) =>
  packet([
    'Event: Hangup',
    'Privilege: call,all',
    `Timestamp: ${ts}`,
    `Channel: ${name}`,
    `Uniqueid: ${uid}`,
    `Linkedid: ${uid}`,
    'Cause: 16',
    'Cause-txt: Normal Clearing',
  ]);

const agentConnect = (holdTime: number) =>
  packet([
    'Event: AgentConnect',
    'Privilege: agent,all',
    `Timestamp: ${ts}`,
    'Queue: sales',
    'Interface: Local/2002@agents/n',
    'MemberName: Bob',
    `HoldTime: ${holdTime}`,
    'RingTime: 1',
  ]);

function listAnswer(id: string, message: string, complete: string, items: string[]): string {
  return (
    packet(['Response: Success', `ActionID: ${id}`, 'EventList: start', `Message: ${message}`]) +
    items.join('') +
    packet([`Event: ${complete}`, `ActionID: ${id}`, 'EventList: Complete', `ListItems: ${items.length}`])
  );
}

/** A scripted Asterisk: each answer, with the events around it, goes out in one write. */
function answer(action: string, id: string): string {
  switch (action.toLowerCase()) {
    case 'login':
      return packet(['Response: Success', `ActionID: ${id}`, 'Message: Authentication accepted']);
    case 'bridgelist':
      return listAnswer(id, 'Bridge listing will follow', 'BridgeListComplete', []);
    case 'coreshowchannels':
      // 1.1 hangs up and 1.2 is born just after the snapshot; 1.3 lives on.
      return (
        listAnswer(id, 'Channels will follow', 'CoreShowChannelsComplete', [
          channelItem(id, '1.1', 'Local/101@phones-00000001;1'),
          channelItem(id, '1.3', 'Local/103@phones-00000003;1'),
        ]) +
        newchannel('1.2', 'Local/21002@callers-00000002;1') +
        hangup('1.1', 'Local/101@phones-00000001;1')
      );
    case 'queuestatus': {
      const params = packet([
        'Event: QueueParams',
        'Queue: sales',
        'Max: 0',
        'Strategy: ringall',
        'Calls: 0',
        'Holdtime: 10',
        'TalkTime: 9',
        'Completed: 6',
        'Abandoned: 0',
        'ServiceLevel: 30',
        'ServicelevelPerf: 100.0',
        'ServicelevelPerf2: 100.0',
        'Weight: 0',
        `ActionID: ${id}`,
      ]);
      const member = packet([
        'Event: QueueMember',
        'Queue: sales',
        'Name: Bob',
        'Location: Local/2002@agents/n',
        'StateInterface: Custom:2002',
        'Membership: static',
        'Penalty: 0',
        'CallsTaken: 2',
        'LastCall: 1795664494',
        'LastPause: 0',
        'LoginTime: 1795664455',
        'InCall: 0',
        'Status: 1',
        'Paused: 0',
        'PausedReason: ',
        'Wrapuptime: 0',
        `ActionID: ${id}`,
      ]);
      // The connect before the answer is already in Holdtime 10; the one after it is not.
      return agentConnect(50) + listAnswer(id, 'Queue status will follow', 'QueueStatusComplete', [params, member]) + agentConnect(20);
    }
    case 'ping':
      return packet(['Response: Success', `ActionID: ${id}`, 'Ping: Pong', `Timestamp: ${ts}`]);
    default:
      return packet(['Response: Error', `ActionID: ${id}`, `Message: Invalid/unknown command: ${action}`]);
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function scriptedAsterisk(): Promise<{ port: number; actions: string[]; sockets: net.Socket[] }> {
  const ami = await startScriptedAmi((action, id) => answer(action, id));
  cleanups.push(() => ami.close());
  return ami;
}

function sessionOn(port: number): PbxSession {
  const session = new PbxSession({
    ami: { host: '127.0.0.1', port, username: 'cb', secret: 'pw', tls: false },
    log: createLogger('silent'),
    label: 'test',
    demo: false,
    client: { authType: 'plain' },
  });
  session.start();
  cleanups.push(() => session.stop());
  return session;
}

describe('a list in the event stream', () => {
  it('is applied exactly at its Complete: events before it are in the list, events after it go on top', async () => {
    const { port } = await scriptedAsterisk();
    const session = sessionOn(port);
    await waitFor(() => session.state.pbx.lastResync > 0, 'resync');

    // Hung up just after the Complete: no ghost. Born just after it: not lost.
    expect(Object.keys(session.state.channels).sort()).toEqual(['1.2', '1.3']);
    // Holdtime 10 from the list, then app_queue's average with the later 20 s wait: (3·10 + 20) >> 2.
    expect(session.state.queues.sales.holdtime).toBe(12);
    expect(session.state.members['sales|Local/2002@agents/n'].inCall).toBe(true);
  });

  it('takes an unknown ParkedCalls (no res_parking) as no parking: live, with a warning that says so', async () => {
    const { port, actions } = await scriptedAsterisk();
    const session = sessionOn(port);
    await waitFor(() => session.state.pbx.lastResync > 0, 'resync');
    expect(actions).toContain('ParkedCalls');
    expect(session.state.pbx.warnings).toEqual([
      'ParkedCalls is unknown to this Asterisk: res_parking is not loaded, so parked calls are not shown',
    ]);
    expect(session.health()).toMatchObject({ warnings: { listFailures: 0 } });
  });

  it('runs the lists again after a Reload, which can change queues without an event of their own', async () => {
    const { port, actions, sockets } = await scriptedAsterisk();
    const session = sessionOn(port);
    await waitFor(() => session.state.pbx.lastResync > 0, 'resync');
    expect(actions.filter((a) => a === 'QueueStatus')).toHaveLength(1);
    sockets[0].write(packet(['Event: Reload', 'Privilege: system,all', `Timestamp: ${ts}`, 'Module: app_queue.so', 'Status: 2']));
    await waitFor(() => actions.filter((a) => a === 'QueueStatus').length === 2, 'a second resync');
  });
});
