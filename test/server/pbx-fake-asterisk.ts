/**
 * A scripted Asterisk on real TCP (test/ami/fake-ami) for PbxSession tests:
 * its lists answer from `channels` (CoreShowChannel items by Uniqueid), and a
 * test can hold back a list's answer, or write any event.
 */
import type { AmiPacket } from '@/lib/ami/packet';
import { startFakeAmi, type FakeAmi, type FakeConnection } from '../ami/fake-ami';

export const packet = (lines: string[]): string => `${lines.join('\r\n')}\r\n\r\n`;
const TS = '1795664553.031378';

export interface ChannelSpec {
  uid: string;
  name?: string;
  linkedid?: string;
  callerName?: string;
  bridgeId?: string;
}

const nameOf = (c: ChannelSpec) => c.name ?? `PJSIP/${c.uid}-00000001`;

export function newchannel(c: ChannelSpec): string {
  return packet([
    'Event: Newchannel',
    'Privilege: call,all',
    `Timestamp: ${TS}`,
    `Channel: ${nameOf(c)}`,
    'ChannelState: 6',
    'ChannelStateDesc: Up',
    'CallerIDNum: 101',
    `CallerIDName: ${c.callerName ?? 'Alice'}`,
    'ConnectedLineNum: <unknown>',
    'ConnectedLineName: <unknown>',
    'Language: en',
    'AccountCode: ',
    'Context: internal',
    'Exten: 102',
    'Priority: 1',
    `Uniqueid: ${c.uid}`,
    `Linkedid: ${c.linkedid ?? c.uid}`,
  ]);
}

export function hangup(c: ChannelSpec): string {
  return packet([
    'Event: Hangup',
    'Privilege: call,all',
    `Timestamp: ${TS}`,
    `Channel: ${nameOf(c)}`,
    `Uniqueid: ${c.uid}`,
    `Linkedid: ${c.linkedid ?? c.uid}`,
    'Cause: 16',
    'Cause-txt: Normal Clearing',
  ]);
}

function channelItem(id: string, c: ChannelSpec): string {
  return packet([
    'Event: CoreShowChannel',
    `ActionID: ${id}`,
    `Channel: ${nameOf(c)}`,
    `Uniqueid: ${c.uid}`,
    `Linkedid: ${c.linkedid ?? c.uid}`,
    'Context: internal',
    'Exten: 102',
    'Priority: 1',
    'ChannelState: 6',
    'ChannelStateDesc: Up',
    'Application: ',
    'ApplicationData: ',
    'CallerIDNum: 101',
    `CallerIDName: ${c.callerName ?? 'Alice'}`,
    'ConnectedLineNum: <unknown>',
    'ConnectedLineName: <unknown>',
    'Language: en',
    'AccountCode: ',
    `BridgeId: ${c.bridgeId ?? ''}`,
    'Duration: 00:00:05',
  ]);
}

export function listAnswer(id: string, complete: string, items: string[]): string {
  return (
    packet(['Response: Success', `ActionID: ${id}`, 'EventList: start', 'Message: will follow']) +
    items.join('') +
    packet([`Event: ${complete}`, `ActionID: ${id}`, 'EventList: Complete', `ListItems: ${items.length}`])
  );
}

export interface FakeAsterisk {
  ami: FakeAmi;
  port: number;
  /** What CoreShowChannels lists. */
  channels: Map<string, ChannelSpec>;
  /** Return true to leave this CoreShowChannels unanswered (the nth, from 0). */
  holdChannelList: (nth: number) => boolean;
  /** CoreShowChannels received so far. */
  channelLists: number;
  /** Writes to the current connection. */
  write(text: string): Promise<void>;
  conn(): Promise<FakeConnection>;
  close(): Promise<void>;
}

export async function startFakeAsterisk(): Promise<FakeAsterisk> {
  const fake: FakeAsterisk = {
    ami: undefined as unknown as FakeAmi,
    port: 0,
    channels: new Map(),
    holdChannelList: () => false,
    channelLists: 0,
    async write(text) {
      const conns = fake.ami.connections;
      (conns[conns.length - 1] ?? (await fake.ami.connection(0))).write(text);
    },
    async conn() {
      const conns = fake.ami.connections;
      return conns[conns.length - 1] ?? fake.ami.connection(0);
    },
    close: () => fake.ami.close(),
  };
  fake.ami = await startFakeAmi({
    onAction: (a: AmiPacket) => {
      const id = a.fields.ActionID ?? '';
      switch (a.fields.Action) {
        case 'BridgeList':
          return listAnswer(id, 'BridgeListComplete', []);
        case 'QueueStatus':
          return listAnswer(id, 'QueueStatusComplete', []);
        case 'CoreShowChannels': {
          if (fake.holdChannelList(fake.channelLists++)) return;
          return listAnswer(
            id,
            'CoreShowChannelsComplete',
            [...fake.channels.values()].map((c) => channelItem(id, c)),
          );
        }
        case 'CoreSettings':
          return packet(['Response: Success', `ActionID: ${id}`, 'AMIversion: 11.0.0', 'AsteriskVersion: 22.5.2']);
        default:
          return packet(['Response: Success', `ActionID: ${id}`, 'Message: ok']);
      }
    },
  });
  fake.port = fake.ami.port;
  return fake;
}
