/**
 * The phone lists against a scripted Asterisk that answers them as 08 does:
 * an empty PJSIPShowContacts is an error that is no refusal, an unknown
 * optional list is said only in /api/health, a Permission denied is a board
 * warning, and a contact past its expiry goes after one more list.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@/server/log';
import { startScriptedAmi } from '../support/scripted-ami';
import { PbxSession } from '@/server/pbx-session';
import { CONTACT_GRACE_MS } from '@/server/pbx/contact-expiry';
import { waitFor } from './mirror';

const packet = (lines: string[]): string => `${lines.join('\r\n')}\r\n\r\n`;
const EXPIRES = 1_796_114_565;

function listAnswer(id: string, message: string, complete: string, items: string[][]): string {
  return (
    packet(['Response: Success', `ActionID: ${id}`, 'EventList: start', `Message: ${message}`]) +
    items.map((lines) => packet([...lines, `ActionID: ${id}`])).join('') +
    packet([`Event: ${complete}`, `ActionID: ${id}`, 'EventList: Complete', `ListItems: ${items.length}`])
  );
}

const error = (id: string, message: string) => packet(['Response: Error', `ActionID: ${id}`, `Message: ${message}`]);

const contact = [
  'Event: ContactList',
  'ObjectType: contact',
  'ObjectName: 201;@b1c58173b6dd036b3381e4eacb1fc1e1',
  'ViaAddr: 127.0.0.1',
  'ViaPort: 5080',
  'Endpoint: 201',
  'Uri: sip:201@127.0.0.1:5070',
  'UserAgent: Grandstream GXP2170 1.0.11.23',
  `ExpirationTime: ${EXPIRES}`,
  'Status: NonQualified',
  'RoundtripUsec: N/A',
];
const endpoint = (name: string, contacts: string, state: string) => [
  'Event: EndpointList',
  'ObjectType: endpoint',
  `ObjectName: ${name}`,
  'Transport: ',
  `Aor: ${name}`,
  'Auths: ',
  'OutboundAuths: ',
  `Contacts: ${contacts}`,
  `DeviceState: ${state}`,
  'ActiveChannels: 0',
];

type Script = Partial<Record<string, (id: string, asked: number) => string>>;

/** The answers 08 recorded; `overrides` replaces some. Anything else is unknown, as on an Asterisk without its module. */
function answers(overrides: Script = {}): Script {
  return {
    login: (id) => packet(['Response: Success', `ActionID: ${id}`, 'Message: Authentication accepted']),
    bridgelist: (id) => listAnswer(id, 'Bridge listing will follow', 'BridgeListComplete', []),
    coreshowchannels: (id) => listAnswer(id, 'Channels will follow', 'CoreShowChannelsComplete', []),
    queuestatus: (id) => listAnswer(id, 'Queue status will follow', 'QueueStatusComplete', []),
    parkedcalls: (id) => listAnswer(id, 'Parked calls will follow', 'ParkedCallsComplete', []),
    pjsipshowcontacts: (id) => error(id, 'No Contacts found'),
    pjsipshowendpoints: (id) =>
      listAnswer(id, 'A listing of Endpoints follows, presented as EndpointList events', 'EndpointListComplete', [
        endpoint('201', '', 'Unavailable'),
        endpoint('209', '209/sip:209@127.0.0.1:5099,', 'Unavailable'),
      ]),
    extensionstatelist: (id) =>
      listAnswer(id, 'Extension Statuses will follow', 'ExtensionStateListComplete', [
        ['Event: ExtensionStatus', 'Exten: 201', 'Context: phones', 'Hint: PJSIP/201', 'Status: 4', 'StatusText: Unavailable'],
      ]),
    ping: (id) => packet(['Response: Success', `ActionID: ${id}`, 'Ping: Pong', 'Timestamp: 1796114300.000000']),
    ...overrides,
  };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function scriptedAsterisk(script: Script): Promise<{ port: number; actions: string[] }> {
  const ami = await startScriptedAmi((action, id) => {
    const asked = ami.actions.filter((a) => a === action).length;
    const reply = Object.hasOwn(script, action.toLowerCase()) ? script[action.toLowerCase()] : undefined;
    return reply ? reply(id, asked) : error(id, `Invalid/unknown command: ${action}`);
  });
  cleanups.push(() => ami.close());
  return ami;
}

function sessionOn(port: number, now?: () => number): PbxSession {
  const session = new PbxSession({
    ami: { host: '127.0.0.1', port, username: 'cb', secret: 'pw', tls: false },
    log: createLogger('silent'),
    label: 'test',
    demo: false,
    client: { authType: 'plain' },
    // The test runs the checks itself, with the time it injects.
    contactCheckMs: 0,
    ...(now ? { now } : {}),
  });
  session.start();
  cleanups.push(() => session.stop());
  return session;
}

describe('the phone lists', () => {
  it('"No Contacts found" is an empty list; an unknown DeviceStateList is said in /api/health, not on the board', async () => {
    const { port, actions } = await scriptedAsterisk(answers());
    const session = sessionOn(port);
    await waitFor(() => session.state.pbx.lastResync > 0, 'resync');
    expect(actions).toEqual(expect.arrayContaining(['PJSIPShowContacts', 'PJSIPShowEndpoints', 'DeviceStateList', 'ExtensionStateList']));
    expect(actions).not.toContain('PJSIPShowAors');
    expect(session.state.pbx.warnings).toEqual([]);
    expect(session.health().absentLists).toEqual(['DeviceStateList']);
    expect(Object.keys(session.state.endpoints).sort()).toEqual(['PJSIP/201', 'PJSIP/209']);
    expect(session.state.contacts['209/sip:209@127.0.0.1:5099']).toMatchObject({ endpoint: 'PJSIP/209', static: true });
    expect(session.state.devices['201@phones']).toMatchObject({ kind: 'extension', hint: 'PJSIP/201', status: 4 });
  });

  it('without res_pjsip the board is live with no phones and no warning about them', async () => {
    const { port } = await scriptedAsterisk(answers({ pjsipshowcontacts: undefined, pjsipshowendpoints: undefined }));
    const session = sessionOn(port);
    await waitFor(() => session.state.pbx.lastResync > 0, 'resync');
    expect(session.state.pbx.warnings.join('\n')).not.toMatch(/PJSIP/);
    expect(session.health().absentLists).toEqual(['PJSIPShowContacts', 'PJSIPShowEndpoints', 'DeviceStateList']);
    expect(session.state.endpoints).toEqual({});
  });

  it('a Permission denied on PJSIPShowEndpoints is a phones notice (no banner) that names the write class; the board is live', async () => {
    const { port } = await scriptedAsterisk(answers({ pjsipshowendpoints: (id) => error(id, 'Permission denied') }));
    const session = sessionOn(port);
    await waitFor(() => session.state.pbx.lastResync > 0, 'resync');
    expect(session.state.pbx.phoneNotices).toEqual([
      'PJSIPShowEndpoints refused (Permission denied): add "system" to this manager user\'s write= permissions in manager.conf',
    ]);
    expect(session.state.pbx.warnings.join('\n')).not.toMatch(/PJSIP/);
  });

  it('a contact past its expiry: the list is read again, and what it still lists past the grace goes', async () => {
    let now = (EXPIRES - 200) * 1000;
    // Asterisk has yet to prune it: every list shows the same registration, never refreshed.
    const { port, actions } = await scriptedAsterisk(
      answers({
        pjsipshowcontacts: (id) =>
          listAnswer(id, 'A listing of Contacts follows, presented as ContactList events', 'ContactListComplete', [contact]),
        pjsipshowendpoints: (id) =>
          listAnswer(id, 'A listing of Endpoints follows, presented as EndpointList events', 'EndpointListComplete', [
            endpoint('201', '201/sip:201@127.0.0.1:5070,', 'Not in use'),
          ]),
      }),
    );
    const session = sessionOn(port, () => now);
    await waitFor(() => session.state.pbx.lastResync > 0, 'resync');
    const id = '201/sip:201@127.0.0.1:5070';
    expect(session.state.contacts[id]).toMatchObject({ expiresAt: EXPIRES * 1000, static: false });
    const lists = () => actions.filter((a) => a === 'PJSIPShowContacts').length;
    expect(lists()).toBe(1);

    // Not due: nothing is asked.
    await session.contactExpiry.check();
    expect(lists()).toBe(1);
    // Past its expiry, within the grace: a read could remove nothing, so none is made and the contact stays.
    now = EXPIRES * 1000 + 1_000;
    await session.contactExpiry.check();
    expect(lists()).toBe(1);
    expect(session.state.contacts[id]).toBeDefined();
    // Past the grace: read again, and removed although the list still shows it.
    now = EXPIRES * 1000 + CONTACT_GRACE_MS;
    const deletes: unknown[] = [];
    session.onOps((ops) => deletes.push(...ops.filter((op) => op[0] === 'd')));
    await session.contactExpiry.check();
    expect(lists()).toBe(2);
    expect(session.state.contacts[id]).toBeUndefined();
    expect(deletes).toEqual([['d', 'contacts', id]]);
  });
});
