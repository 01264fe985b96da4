import { EXTENSION_STATE, HINT_CONTEXT, type PbxCore } from './core';
import { STATE_DESC, error, hms, itemIdFirst, listComplete, listStart, success, type DeviceState } from './dialect';
import { DEVICE_STATE_TEXT, LOBBY, USER_AGENT, type Endpoint, type Registrar } from './phones';
import type { ActionContext } from './session';

/**
 * The phone panel's actions, in transcript 08's shapes: PJSIPShowEndpoints,
 * PJSIPShowContacts, PJSIPShowAors, PJSIPQualify (res_pjsip), DeviceStateList
 * (res_manager_devicestate) and ExtensionStateList (extension_state.c). Each is
 * one pass over at most a few dozen endpoints, built into one write: cheap
 * enough for a board that runs them on every connect.
 */
type Handler = (ctx: ActionContext) => void;

const contactsOf = (e: Endpoint): string =>
  e.kind === 'lobby' ? `${LOBBY.exten}/${LOBBY.uri},` : e.contact ? `${e.name}/${e.contact.uri},` : '';

export const PJSIP_ACTIONS: Record<string, Handler> = {
  pjsipshowendpoints(ctx) {
    const { core, registrar } = ctx.pbx;
    let items = '';
    let n = 0;
    for (const e of registrar.endpoints.values()) {
      n++;
      items += itemIdFirst('EndpointList', ctx.id, [
        ['ObjectType', 'endpoint'],
        ['ObjectName', e.name],
        ['Transport', ''],
        ['Aor', e.name],
        ['Auths', ''],
        ['OutboundAuths', ''],
        ['Contacts', contactsOf(e)],
        ['DeviceState', DEVICE_STATE_TEXT[core.deviceState(e.name)]],
        ['ActiveChannels', core.activeChannels(e.name)],
      ]);
    }
    if (n === 0) return ctx.reply(error(ctx.id, 'No endpoints found\n'));
    ctx.reply(
      listStart(ctx.id, 'A listing of Endpoints follows, presented as EndpointList events') +
        items +
        listComplete('EndpointListComplete', ctx.id, n),
    );
  },

  /** Only registered contacts: a static one (209's) is no sorcery contact, so 08 lists it nowhere here. */
  pjsipshowcontacts(ctx) {
    const registrar = ctx.pbx.registrar;
    let items = '';
    let n = 0;
    for (const e of registrar.endpoints.values()) {
      const c = e.contact;
      if (!c) continue;
      n++;
      items += itemIdFirst('ContactList', ctx.id, [
        ['ObjectType', 'contact'],
        ['ObjectName', `${e.name};@${c.hash}`],
        ['ViaAddr', c.viaAddr],
        ['QualifyTimeout', '3.000000'],
        ['Qualify2xxOnly', 'false'],
        ['CallId', c.callId],
        ['RegServer', ''],
        ['PruneOnBoot', 'no'],
        ['Path', ''],
        ['Endpoint', e.name],
        ['ViaPort', c.viaPort],
        ['AuthenticateQualify', 'no'],
        ['Uri', c.uri],
        ['QualifyFrequency', 0],
        ['UserAgent', USER_AGENT],
        ['ExpirationTime', registrar.expirationSec(c)],
        ['OutboundProxy', ''],
        ['Status', 'NonQualified'],
        ['RoundtripUsec', 'N/A'],
      ]);
    }
    // pjsip_options.c: the message ends with a bare LF, as 08 recorded it.
    if (n === 0) return ctx.reply(error(ctx.id, 'No Contacts found\n'));
    ctx.reply(
      listStart(ctx.id, 'A listing of Contacts follows, presented as ContactList events') +
        items +
        listComplete('ContactListComplete', ctx.id, n),
    );
  },

  pjsipshowaors(ctx) {
    let items = '';
    let n = 0;
    for (const e of ctx.pbx.registrar.endpoints.values()) {
      n++;
      const lobby = e.kind === 'lobby';
      items += itemIdFirst('AorList', ctx.id, [
        ['ObjectType', 'aor'],
        ['ObjectName', e.name],
        ['MinimumExpiration', 60],
        ['DefaultExpiration', 3600],
        ['QualifyTimeout', lobby ? '2.000000' : '3.000000'],
        ['Qualify2xxOnly', 'false'],
        ['Mailboxes', ''],
        ['SupportPath', 'false'],
        ['RemoveUnavailable', 'false'],
        ['VoicemailExtension', ''],
        ['MaxContacts', lobby ? 0 : 1],
        ['AuthenticateQualify', 'false'],
        // The AOR's own (static) contacts only; registered ones are not part of it.
        ['Contacts', lobby ? `${LOBBY.exten}/${LOBBY.uri}` : ''],
        ['MaximumExpiration', 7200],
        ['QualifyFrequency', lobby ? 5 : 0],
        ['RemoveExisting', lobby ? 'false' : 'true'],
        ['OutboundProxy', ''],
      ]);
    }
    if (n === 0) return ctx.reply(error(ctx.id, 'No AORs found\n'));
    ctx.reply(
      listStart(ctx.id, 'A listing of AORs follows, presented as AorList events') + items + listComplete('AorListComplete', ctx.id, n),
    );
  },

  /**
   * The lobby phone's contact never answers, so the qualify changes nothing and
   * no ContactStatus follows (08). The phones' contacts are not qualified
   * (QualifyFrequency 0), and 08 shows nothing for them either.
   */
  pjsipqualify(ctx) {
    const name = ctx.get('Endpoint');
    if (!name) return ctx.reply(error(ctx.id, 'Endpoint parameter missing.'));
    if (!ctx.pbx.registrar.get(name)) return ctx.reply(error(ctx.id, 'Unable to retrieve endpoint\n'));
    ctx.reply(success(ctx.id, 'Endpoint found, will qualify'));
  },

  devicestatelist(ctx) {
    const core = ctx.pbx.core;
    let items = '';
    let n = 0;
    const add = (device: string, state: DeviceState) => {
      n++;
      items += itemIdFirst('DeviceStateChange', ctx.id, [
        ['Device', device],
        ['State', state],
      ]);
    };
    for (const [endpoint, state] of core.devices()) add(`PJSIP/${endpoint}`, state);
    for (const [device, state] of core.otherDeviceStates()) add(device, state);
    ctx.reply(listStart(ctx.id, 'Device State Changes will follow') + items + listComplete('DeviceStateListComplete', ctx.id, n));
  },

  /** One hint per endpoint in `internal` (its extension dials it), as a phone panel's BLF needs. */
  extensionstatelist(ctx) {
    const core = ctx.pbx.core;
    let items = '';
    let n = 0;
    for (const e of ctx.pbx.registrar.endpoints.values()) {
      n++;
      const [status, text] = EXTENSION_STATE[core.deviceState(e.name)];
      items += itemIdFirst('ExtensionStatus', ctx.id, [
        ['Exten', e.name],
        ['Context', HINT_CONTEXT],
        ['Hint', `PJSIP/${e.name}`],
        ['Status', status],
        ['StatusText', text],
      ]);
    }
    ctx.reply(listStart(ctx.id, 'Extension Statuses will follow') + items + listComplete('ExtensionStateListComplete', ctx.id, n));
  },
};

export const PJSIP_ACTION_NAMES: Record<string, string> = {
  pjsipshowendpoints: 'PJSIPShowEndpoints',
  pjsipshowcontacts: 'PJSIPShowContacts',
  pjsipshowaors: 'PJSIPShowAors',
  pjsipqualify: 'PJSIPQualify',
  devicestatelist: 'DeviceStateList',
  extensionstatelist: 'ExtensionStateList',
};

// ── CLI ────────────────────────────────────────────────────────────────────

/** res_pjsip_cli.h's CLI_LAST_TABSTOP. */
const LAST_TABSTOP = 62;

const pad = (text: string, width: number): string => text.slice(0, width).padEnd(width);
/** CLI_INDENT_TO_SPACES: a title right-aligned in 9 columns at level 0, two more per level. */
const title = (name: string, level: number): string => name.padStart(level * 2 + 9);
const dots = (n: number): string => '.'.repeat(Math.max(0, n));
const LOBBY_HASH = 'f66620ccc3';

/** cli_contact_print_body; `nan` is %11.3f of the NAN an unqualified contact's RTT is. */
function contactRow(aor: string, uri: string, hash: string, status: string, level: number): string {
  const indent = level * 2 + 9;
  const flex = LAST_TABSTOP - indent - 9 - aor.length + 1;
  return `${title('Contact', level)}:  ${aor}/${pad(uri, flex)} ${pad(hash, 10)} ${pad(status, 7)} ${'nan'.padStart(11)}`;
}

const contactHeader = (level: number): string =>
  `${title('Contact', level)}:  <Aor/ContactUri${dots(LAST_TABSTOP - (level * 2 + 9) - 23)}> <Hash....> <Status> <RTT(ms)..>`;

function contactRowsOf(e: Endpoint, level: number): string[] {
  if (e.kind === 'lobby') return [contactRow(e.name, LOBBY.uri, LOBBY_HASH, 'Unavail', level)];
  return e.contact ? [contactRow(e.name, e.contact.uri, e.contact.hash, 'NonQual', level)] : [];
}

/** `pjsip show contacts`: registered contacts and the static ones, in res_pjsip's CLI layout (08). */
export function pjsipShowContacts(registrar: Registrar): string[] {
  const rows = [...registrar.endpoints.values()].flatMap((e) => contactRowsOf(e, 0));
  if (rows.length === 0) return ['No objects found.', ''];
  return ['', contactHeader(0), '='.repeat(90), '', ...rows, '', `Objects found: ${rows.length}`, ''];
}

/**
 * `pjsip show endpoints`: pjsip_cli.c with recursion on, so each endpoint is
 * followed by its AOR (and that AOR's contacts) and its channels, in the
 * formats of pjsip_configuration.c, location.c and chan_pjsip's cli_commands.c.
 * The demo's endpoints have no auths, transport or identify, so those print
 * only their headers.
 */
export function pjsipShowEndpoints(registrar: Registrar, core: PbxCore): string[] {
  const lines = [
    '',
    ' Endpoint:  <Endpoint/CID.....................................>  <State.....>  <Channels.>',
    `${title('I/OAuth', 1)}:  <AuthId/UserName${dots(90 - 11 - 20)}>`,
    `${title('Aor', 1)}:  <Aor${dots(LAST_TABSTOP - 11 - 7)}>  <MaxContact>`,
    contactHeader(2),
    `${title('Transport', 1)}:  <TransportId........>  <Type>  <cos>  <tos>  <BindAddress${dots(90 - 11 - 61)}>`,
    `${title('Identify', 1)}:  <Identify/Endpoint${dots(90 - 11 - 22)}>`,
    `${title('Match', 2)}:  <criteria${dots(LAST_TABSTOP - 13 - 24)}>`,
    `${title('Channel', 1)}:  <ChannelId${dots(LAST_TABSTOP - 11 - 13)}>  <State.....>  <Time.....>`,
    `${title('Exten', 2)}: <DialedExten${dots(LAST_TABSTOP - 13 - 38)}>  CLCID: <ConnectedLineCID.......>`,
    '='.repeat(90),
    '',
  ];
  const now = core.now();
  const channels = [...core.channels.values()];
  let n = 0;
  for (const e of registrar.endpoints.values()) {
    n++;
    const mine = channels.filter((ch) => ch.endpoint === e.name);
    // devicestate_busy_at 0: printed as %.0f of INFINITY.
    lines.push(
      `${title('Endpoint', 0)}:  ${pad(e.name, LAST_TABSTOP - 9 - 2)}  ${pad(DEVICE_STATE_TEXT[core.deviceState(e.name)], 12)}  ${mine.length} of inf`,
    );
    lines.push(`${title('Aor', 1)}:  ${pad(e.name, LAST_TABSTOP - 11 - 12)} ${String(e.kind === 'lobby' ? 0 : 1).padStart(12)}`);
    lines.push(...contactRowsOf(e, 2));
    for (const ch of mine) {
      lines.push(
        `${title('Channel', 1)}: ${pad(`${ch.name}/${ch.app}`, LAST_TABSTOP - 11)} ${pad(STATE_DESC[ch.state] ?? 'Unknown', 12)}  ${pad(hms((now - ch.createdMs) / 1000), 11)}`,
      );
      lines.push(`${title('Exten', 2)}: ${pad(ch.exten, LAST_TABSTOP - 13 - 25)}  CLCID: "${ch.connectedName}" <${ch.connectedNum}>`);
    }
    lines.push('');
  }
  return [...lines, '', `Objects found: ${n}`, ''];
}
