import { createHash } from 'node:crypto';
import {
  AMI_VERSION,
  ASTERISK_VERSION,
  bridgeHeaders,
  channelHeaders,
  DEVICE_STATE,
  error,
  goodbye,
  hms,
  itemIdFirst,
  itemIdLast,
  listComplete,
  listStart,
  memberListHeaders,
  STATE_DESC,
  success,
  successWith,
  type Header,
} from './dialect';
import { originate, parseDialTarget } from './originate';
import { DEVICE_STATE_TEXT } from './phones';
import type { Queue } from './core';
import { PJSIP_ACTIONS, PJSIP_ACTION_NAMES, pjsipShowContacts, pjsipShowEndpoints } from './pjsip-actions';
import { PARKING_LOT, PARKING_TIMEOUT_SEC, deviceOf } from './parking';
import { ACTION_AUTHORITY, eventMask } from './permissions';
import type { ActionContext } from './session';
import { Talk } from './talk';

/**
 * The AMI actions the demo PBX answers, with Asterisk 22's response texts
 * (transcripts 03, 06 and 07, and manager.c / app_queue.c for the rest).
 */
type Handler = (ctx: ActionContext) => void;

const MAX_CALLS = 5000;
/** AST_CHANNEL_NAME less its NUL: app_queue's interface and state interface buffers. */
const MAX_NAME = 79;
const MAX_MEMBERS_PER_QUEUE = 1000;
/** ast_true */
const AST_TRUE = /^(1|yes|true|on|y|t)$/i;

export const ACTIONS: Record<string, Handler> = {
  ping(ctx) {
    ctx.reply(
      successWith(ctx.id, [
        ['Ping', 'Pong'],
        ['Timestamp', ctx.timestamp()],
      ]),
    );
  },

  logoff(ctx) {
    ctx.reply(goodbye(ctx.id));
    ctx.session.end();
  },

  challenge(ctx) {
    if ((ctx.get('AuthType') ?? '').toLowerCase() !== 'md5') return ctx.reply(error(ctx.id, 'Must specify AuthType'));
    const challenge = ctx.session.newChallenge();
    ctx.reply(successWith(ctx.id, [['Challenge', challenge]]));
  },

  login(ctx) {
    const s = ctx.session;
    if (s.authenticated) return ctx.reply(success(ctx.id, 'Already authenticated'));
    const username = ctx.get('Username') ?? '';
    const user = ctx.pbx.findUser(username);
    let ok = false;
    if (user) {
      if ((ctx.get('AuthType') ?? '').toLowerCase() === 'md5') {
        const key = (ctx.get('Key') ?? '').toLowerCase();
        ok =
          !!s.challenge &&
          key ===
            createHash('md5')
              .update(s.challenge + user.secret)
              .digest('hex');
      } else {
        ok = ctx.get('Secret') === user.secret;
      }
    }
    if (!user || !ok) {
      ctx.reply(error(ctx.id, 'Authentication failed'));
      s.end();
      return;
    }
    const events = ctx.get('Events');
    s.authenticate(user, events === undefined ? undefined : eventMask(events));
    ctx.reply(success(ctx.id, 'Authentication accepted'));
    s.afterLogin();
  },

  events(ctx) {
    const mask = eventMask(ctx.get('EventMask') ?? '');
    if (mask < 0) return ctx.reply(error(ctx.id, 'Invalid event mask'));
    ctx.session.sendMask = mask;
    ctx.reply(successWith(ctx.id, [['Events', mask === 0 ? 'Off' : 'On']]));
  },

  filter(ctx) {
    const op = (ctx.get('Operation') ?? '').toLowerCase();
    const filter = ctx.get('Filter') ?? '';
    if (op !== 'add') return ctx.reply(error(ctx.id, 'Unknown operation'));
    if (!ctx.session.addFilter(filter)) return ctx.reply(error(ctx.id, 'Filter did not compile'));
    ctx.reply(success(ctx.id, 'Success'));
  },

  listcommands(ctx) {
    const lines: Header[] = Object.keys(ACTIONS).map((a) => [
      NAMES[a] ?? a,
      `${NAMES[a] ?? a}.  (Priv: ${ACTION_AUTHORITY[a] ? 'see manager.conf' : '<none>'})`,
    ]);
    ctx.reply(successWith(ctx.id, lines));
  },

  coresettings(ctx) {
    ctx.reply(
      successWith(ctx.id, [
        ['AMIversion', AMI_VERSION],
        ['AsteriskVersion', ASTERISK_VERSION],
        ['SystemName', ''],
        ['CoreMaxCalls', MAX_CALLS],
        ['CoreMaxLoadAvg', '0.000000'],
        ['CoreRunUser', ''],
        ['CoreRunGroup', ''],
        ['CoreMaxFilehandles', 0],
        ['CoreRealTimeEnabled', 'No'],
        ['CoreCDRenabled', 'Yes'],
        ['CoreHTTPenabled', 'No'],
        ['SoundsSearchCustomDir', 'No'],
      ]),
    );
  },

  corestatus(ctx) {
    const core = ctx.pbx.core;
    const [sd, st] = localDateTime(core.bootMs);
    const [rd, rt] = localDateTime(core.reloadMs);
    ctx.reply(
      successWith(ctx.id, [
        ['CoreStartupDate', sd],
        ['CoreStartupTime', st],
        ['CoreReloadDate', rd],
        ['CoreReloadTime', rt],
        // ast_active_channels(): channels, not calls, whatever the header's name says.
        ['CoreCurrentCalls', core.channels.size],
        ['CoreProcessedCalls', core.processedCalls],
      ]),
    );
  },

  /**
   * action_reload → ast_module_reload (loader.c): the reload time moves
   * before the module is looked for, the Reload event says the outcome's
   * number, and the answer follows it; nothing the demo holds changes.
   */
  reload(ctx) {
    const core = ctx.pbx.core;
    const module = ctx.get('Module') ?? '';
    const known = module === '' || RELOADABLE.has(module.replace(/\.so$/, ''));
    core.reloadMs = core.now();
    ctx.reply(known ? success(ctx.id, 'Module Reloaded') : error(ctx.id, 'No such module'));
    core.emit('Reload', [
      ['Module', module || 'All'],
      ['Status', known ? 0 : 2],
    ]);
  },

  command(ctx) {
    const cmd = (ctx.get('Command') ?? '').trim().replace(/\s+/g, ' ');
    const out = runCommand(ctx, cmd);
    if (!out) {
      // find_best's candidate: 08 shows 'sip show' for 'sip show peers' (the words before the last), in an 80-byte buffer.
      const words = cmd.split(' ');
      const word = (words.length > 1 ? words.slice(0, -1) : words).join(' ').slice(0, 79);
      ctx.reply(
        [
          'Response: Error\r\n',
          ctx.id === undefined ? '' : `ActionID: ${ctx.id}\r\n`,
          'Message: Command output follows\r\n',
          `Output: No such command '${cmd}' (type 'core show help ${word}' for other possible commands)\r\n\r\n`,
        ].join(''),
      );
      return;
    }
    ctx.reply(
      success(
        ctx.id,
        'Command output follows',
        out.map((line) => ['Output', line] as Header),
      ),
    );
  },

  coreshowchannels(ctx) {
    const core = ctx.pbx.core;
    const now = core.now();
    const items: string[] = [];
    for (const ch of core.channels.values()) {
      items.push(
        itemIdFirst('CoreShowChannel', ctx.id, [
          ...channelHeaders(ch),
          ['Application', ch.app],
          ['ApplicationData', ch.appData],
          ['Duration', hms((now - ch.createdMs) / 1000)],
          ['BridgeId', ch.bridge?.id ?? ''],
        ]),
      );
    }
    ctx.reply(listStart(ctx.id, 'Channels will follow') + items.join('') + listComplete('CoreShowChannelsComplete', ctx.id, items.length));
  },

  status(ctx) {
    const core = ctx.pbx.core;
    const wanted = ctx.get('Channel');
    const now = core.now();
    let chans = [...core.channels.values()];
    if (wanted) {
      chans = chans.filter((c) => c.name.toLowerCase() === wanted.toLowerCase());
      if (chans.length === 0) return ctx.reply(error(ctx.id, 'No such channel'));
    }
    const items = chans.map((ch) =>
      itemIdLast('Status', ctx.id, [
        ['Privilege', 'Call'],
        ...channelHeaders(ch),
        ['Type', 'PJSIP'],
        ['DNID', ''],
        ['EffectiveConnectedLineNum', ch.connectedNum || '<unknown>'],
        ['EffectiveConnectedLineName', ch.connectedName || '<unknown>'],
        ['TimeToHangup', 0],
        ['BridgeID', ch.bridge?.id ?? ''],
        ['Application', ch.app],
        ['Data', ch.appData],
        ['Nativeformats', '(ulaw)'],
        ['Readformat', 'ulaw'],
        ['Readtrans', ''],
        ['Writeformat', 'ulaw'],
        ['Writetrans', ''],
        ['Callgroup', 0],
        ['Pickupgroup', 0],
        ['Seconds', Math.floor((now - ch.createdMs) / 1000)],
      ]),
    );
    ctx.reply(
      listStart(ctx.id, 'Channel status will follow') +
        items.join('') +
        listComplete('StatusComplete', ctx.id, items.length, [['Items', items.length]]),
    );
  },

  bridgelist(ctx) {
    const type = ctx.get('BridgeType');
    const items: string[] = [];
    for (const b of ctx.pbx.core.bridges.values()) {
      if (type && b.type !== type) continue;
      items.push(itemIdFirst('BridgeListItem', ctx.id, bridgeHeaders(b)));
    }
    ctx.reply(listStart(ctx.id, 'Bridge listing will follow') + items.join('') + listComplete('BridgeListComplete', ctx.id, items.length));
  },

  queuestatus(ctx) {
    const core = ctx.pbx.core;
    const onlyQueue = ctx.get('Queue');
    const onlyMember = ctx.get('Member');
    const now = core.now();
    const items: string[] = [];
    for (const q of core.queues.values()) {
      if (onlyQueue && q.def.name !== onlyQueue) continue;
      const done = q.completed;
      const perf = (done > 0 ? (100 * q.completedInSl) / done : 0).toFixed(1);
      const all = done + q.abandoned;
      const perf2 = (all > 0 ? (100 * (q.completedInSl + q.abandonedInSl)) / all : 0).toFixed(1);
      items.push(
        itemIdLast('QueueParams', ctx.id, [
          ['Queue', q.def.name],
          ['Max', 0],
          ['Strategy', q.def.strategy],
          ['Calls', q.callers.length],
          ['Holdtime', q.holdtime],
          ['TalkTime', q.talktime],
          ['Completed', done],
          ['Abandoned', q.abandoned],
          ['ServiceLevel', q.def.serviceLevel],
          ['ServicelevelPerf', perf],
          ['ServicelevelPerf2', perf2],
          ['Weight', 0],
        ]),
      );
      for (const m of q.members) {
        if (onlyMember && m.interface !== onlyMember && m.name !== onlyMember) continue;
        items.push(itemIdLast('QueueMember', ctx.id, memberListHeaders(m)));
      }
      q.callers.forEach((e, i) =>
        items.push(
          itemIdLast('QueueEntry', ctx.id, [
            ['Queue', q.def.name],
            ['Position', i + 1],
            ['Channel', e.ch.name],
            ['Uniqueid', e.ch.uniqueid],
            ['CallerIDNum', e.ch.callerNum || '<unknown>'],
            ['CallerIDName', e.ch.callerName || '<unknown>'],
            ['ConnectedLineNum', e.ch.connectedNum || '<unknown>'],
            ['ConnectedLineName', e.ch.connectedName || '<unknown>'],
            ['Wait', Math.floor((now - e.joinedMs) / 1000)],
            ['Priority', 0],
          ]),
        ),
      );
    }
    ctx.reply(listStart(ctx.id, 'Queue status will follow') + items.join('') + listComplete('QueueStatusComplete', ctx.id, items.length));
  },

  hangup(ctx) {
    const core = ctx.pbx.core;
    const name = ctx.get('Channel') ?? '';
    if (!name) return ctx.reply(error(ctx.id, 'No channel specified'));
    const causeText = ctx.get('Cause');
    const cause = causeText && /^\d+$/.test(causeText) ? Number(causeText) : 16;
    if (name.length > 2 && name.startsWith('/') && name.endsWith('/')) {
      let re: RegExp;
      try {
        re = new RegExp(name.slice(1, -1));
      } catch {
        return ctx.reply(error(ctx.id, `Regex compile failed on: ${name.slice(1, -1)}`));
      }
      const matched = [...core.channels.values()].filter((c) => re.test(c.name));
      let text = listStart(ctx.id, 'Channels will be hungup');
      for (const ch of matched) {
        if (!ch.alive) continue;
        core.requestHangup(ch, cause, 'action');
        text += itemIdLast('ChannelHungup', ctx.id, [['Channel', ch.name]]);
      }
      ctx.reply(text + listComplete('ChannelsHungupListComplete', ctx.id, matched.length));
      return;
    }
    const ch = findChannel(ctx, name);
    if (!ch) return ctx.reply(error(ctx.id, 'No such channel'));
    ctx.reply(success(ctx.id, 'Channel Hungup'));
    core.requestHangup(ch, cause, 'action');
  },

  redirect(ctx) {
    const plan = ctx.pbx.plan;
    const name = ctx.get('Channel');
    const context = ctx.get('Context');
    const exten = ctx.get('Exten');
    const priority = ctx.get('Priority');
    const name2 = ctx.get('ExtraChannel');
    const context2 = ctx.get('ExtraContext');
    const exten2 = ctx.get('ExtraExten');
    const priority2 = ctx.get('ExtraPriority');
    if (!name) return ctx.reply(error(ctx.id, 'Channel not specified'));
    if (!context) return ctx.reply(error(ctx.id, 'Context not specified'));
    if (!exten) return ctx.reply(error(ctx.id, 'Exten not specified'));
    if (!priority) return ctx.reply(error(ctx.id, 'Priority not specified'));
    if (!validPriority(priority)) return ctx.reply(error(ctx.id, 'Priority is invalid'));
    if (name2 && context2) {
      if (!exten2) return ctx.reply(error(ctx.id, 'ExtraExten not specified'));
      if (!priority2) return ctx.reply(error(ctx.id, 'ExtraPriority not specified'));
      if (!validPriority(priority2)) return ctx.reply(error(ctx.id, 'ExtraPriority is invalid'));
    }
    const ch = findChannel(ctx, name);
    if (!ch) return ctx.reply(error(ctx.id, `Channel does not exist: ${name}`));
    if (!name2) {
      ctx.reply(success(ctx.id, 'Redirect successful'));
      plan.redirect(ch, context, exten);
      return;
    }
    const ch2 = findChannel(ctx, name2);
    if (!ch2) return ctx.reply(error(ctx.id, `ExtraChannel does not exist: ${name2}`));
    ctx.reply(success(ctx.id, 'Dual Redirect successful'));
    // Both leave their conversation together, so neither is hung up by the other's going.
    const talk = ch.owner;
    if (talk instanceof Talk && talk.peer(ch) === ch2) {
      const bridge = ch.bridge;
      talk.release();
      ctx.pbx.core.bridgeLeave(ch);
      ctx.pbx.core.bridgeLeave(ch2);
      if (bridge) ctx.pbx.core.bridgeDestroy(bridge);
    }
    plan.redirect(ch, context, exten);
    if (ch2.alive) plan.redirect(ch2, context2 || context, context2 ? exten2! : exten);
  },

  blindtransfer(ctx) {
    const name = ctx.get('Channel');
    const exten = ctx.get('Exten');
    if (!name) return ctx.reply(error(ctx.id, 'No channel specified'));
    if (!exten) return ctx.reply(error(ctx.id, 'No extension specified'));
    const ch = findChannel(ctx, name);
    if (!ch) return ctx.reply(error(ctx.id, 'Channel specified does not exist'));
    const context = ctx.get('Context') || ch.context;
    // ast_bridge_transfer_blind refuses a channel in no two-party bridge before anything happens.
    const b = ch.bridge;
    if (!b || b.channels.size !== 2 || !(ch.owner instanceof Talk)) return ctx.reply(error(ctx.id, 'Transfer invalid'));
    ctx.reply(success(ctx.id, 'Transfer succeeded'));
    ctx.pbx.plan.blindTransfer(ch, context, exten);
  },

  /**
   * What a stock Asterisk 22 does (transcript 09): the feature code and digits are
   * queued on the channel, the answer says so, and the digits are then lost, so
   * no transfer ever starts. Only TRANSFER_CONTEXT is set, as action_atxfer does.
   */
  atxfer(ctx) {
    const name = ctx.get('Channel');
    const exten = ctx.get('Exten');
    if (!name) return ctx.reply(error(ctx.id, 'No channel specified'));
    if (!exten) return ctx.reply(error(ctx.id, 'No extension specified'));
    const ch = findChannel(ctx, name);
    if (!ch) return ctx.reply(error(ctx.id, 'Channel specified does not exist'));
    ctx.reply(success(ctx.id, 'Atxfer successfully queued'));
    // Set inside the action, so (as every event of an action) it reaches the session after the answer.
    const context = ctx.get('Context');
    if (context) ctx.pbx.core.varSet(ch, 'TRANSFER_CONTEXT', context);
  },

  park(ctx) {
    const plan = ctx.pbx.plan;
    const name = ctx.get('Channel');
    const timeoutChannel = ctx.get('TimeoutChannel') || ctx.get('Channel2') || '';
    const timeoutText = ctx.get('Timeout');
    const lot = ctx.get('Parkinglot');
    if (!name) return ctx.reply(error(ctx.id, 'Channel not specified'));
    let timeoutSec = PARKING_TIMEOUT_SEC;
    if (timeoutText) {
      const m = /^\s*([+-]?\d+)/.exec(timeoutText);
      if (!m || Number(m[1]) < 0) return ctx.reply(error(ctx.id, 'Invalid Timeout value.'));
      // Milliseconds on the wire, whole seconds (at least one) in the lot; 0 parks without a timeout.
      const ms = Math.min(Number(m[1]), 2 ** 31 - 1);
      timeoutSec = ms === 0 ? 0 : Math.max(1, Math.floor(ms / 1000));
    }
    const ch = findChannel(ctx, name);
    if (!ch) return ctx.reply(error(ctx.id, `Channel does not exist: ${name}`));
    // One lot here: any other name, or a full lot, fails as park_common_setup does.
    if ((lot && lot !== PARKING_LOT) || plan.parking.freeSpace() === undefined) return ctx.reply(error(ctx.id, 'Park action failed\n'));
    // The parker is whoever the call returns to: BLINDTRANSFER (the TimeoutChannel) when given, else the parkee itself.
    const parker = deviceOf(timeoutChannel || ch.name);
    ctx.reply(success(ctx.id, 'Park successful\n'));
    plan.parking.park(ch, parker, timeoutSec, timeoutChannel || undefined);
  },

  parkedcalls(ctx) {
    const lot = ctx.get('ParkingLot');
    if (lot && lot !== PARKING_LOT) return ctx.reply(error(ctx.id, 'Requested parking lot could not be found.'));
    const parking = ctx.pbx.plan.parking;
    const items = parking.list().map((pu) => itemIdLast('ParkedCall', ctx.id, parking.headers(pu)));
    ctx.reply(
      listStart(ctx.id, 'Parked calls will follow') +
        items.join('') +
        listComplete('ParkedCallsComplete', ctx.id, items.length, [['Total', items.length]]),
    );
  },

  originate(ctx) {
    const { core, plan } = ctx.pbx;
    const channel = ctx.get('Channel') ?? '';
    if (!channel) return ctx.reply(error(ctx.id, 'Channel not specified'));
    const app = ctx.get('Application');
    const context = ctx.get('Context') ?? (app ? '' : 'default');
    const exten = ctx.get('Exten') ?? (app ? '' : 's');
    const timeoutText = ctx.get('Timeout');
    if (timeoutText !== undefined && !/^\d+$/.test(timeoutText)) return ctx.reply(error(ctx.id, 'Invalid timeout'));
    if (!/^[^/\s]+\/\S+$/.test(channel)) return ctx.reply(error(ctx.id, 'Invalid channel'));
    if (!app && !plan.route(context, exten)) return ctx.reply(error(ctx.id, 'Extension does not exist.'));
    const [callerNum, callerName] = parseCallerId(ctx.get('CallerID') ?? '');
    const variables: Record<string, string> = {};
    for (const v of ctx.all('Variable').flatMap((x) => x.split(','))) {
      const eq = v.indexOf('=');
      if (eq > 0) variables[v.slice(0, eq).trim()] = v.slice(eq + 1);
    }
    const async = /^(1|yes|true|on|y|t)$/i.test(ctx.get('Async') ?? '');
    const id = ctx.id;
    const req = {
      channel,
      context,
      exten,
      callerNum,
      callerName,
      variables,
      timeoutSec: timeoutText ? Number(timeoutText) / 1000 : 30,
      application: app ? { app, data: ctx.get('Data') ?? '' } : undefined,
    };
    if (async) ctx.reply(success(id, 'Originate successfully queued'));
    const known = parseDialTarget(channel, plan) !== undefined;
    if (known) core.processedCalls++;
    originate(core, plan, req, (outcome) => {
      if (!async) {
        ctx.reply(outcome.ok ? success(id, 'Originate successfully queued') : error(id, 'Originate failed'));
        return;
      }
      const ch = outcome.ch;
      core.emit('OriginateResponse', [
        ...(id === undefined ? [] : ([['ActionID', id]] as Header[])),
        ['Response', outcome.ok ? 'Success' : 'Failure'],
        ['Channel', ch ? ch.name : channel],
        // An application originate names the application where a dialplan one names its place (09, ChanSpy).
        ...((app
          ? [
              ['Application', app],
              ['Data', ctx.get('Data') ?? ''],
            ]
          : [
              ['Context', context],
              ['Exten', exten],
            ]) as Header[]),
        ['Reason', outcome.ok ? 4 : outcome.reason],
        ['Uniqueid', ch ? ch.uniqueid : '<unknown>'],
        ['CallerIDNum', ch?.callerNum || callerNum || '<unknown>'],
        ['CallerIDName', ch?.callerName || callerName || '<unknown>'],
      ]);
    });
  },

  queuepause(ctx) {
    const core = ctx.pbx.core;
    const iface = ctx.get('Interface');
    const pausedText = ctx.get('Paused');
    if (!iface || pausedText === undefined) return ctx.reply(error(ctx.id, "Need 'Interface' and 'Paused' parameters."));
    const paused = /^(1|yes|true|on|y|t)$/i.test(pausedText);
    const members = core.findMembers(iface, ctx.get('Queue'));
    if (members.length === 0) return ctx.reply(error(ctx.id, 'Interface not found'));
    ctx.reply(success(ctx.id, paused ? 'Interface paused successfully' : 'Interface unpaused successfully'));
    for (const m of members) {
      m.pausedByAction = paused;
      core.setPaused(m, paused, ctx.get('Reason') ?? '');
    }
    if (!paused) ctx.pbx.plan.kickQueues();
  },

  queueadd(ctx) {
    const core = ctx.pbx.core;
    const queue = ctx.get('Queue');
    const iface = ctx.get('Interface');
    if (!queue) return ctx.reply(error(ctx.id, "'Queue' not specified."));
    if (!iface) return ctx.reply(error(ctx.id, "'Interface' not specified."));
    const q = core.queues.get(queue);
    if (!q) return ctx.reply(error(ctx.id, 'Unable to add interface to queue: No such queue'));
    // app_queue keeps the interface in a fixed-size buffer (AST_CHANNEL_NAME): longer ones are cut, never stored whole.
    const location = iface.slice(0, MAX_NAME);
    if (core.findMembers(location, queue).length) return ctx.reply(error(ctx.id, 'Unable to add interface: Already there'));
    // The demo's one bound on what a client can make it hold; Asterisk's answer when it cannot allocate a member.
    if (q.members.length >= MAX_MEMBERS_PER_QUEUE) return ctx.reply(error(ctx.id, 'Out of memory'));
    const penaltyText = ctx.get('Penalty') ?? '';
    const penalty = /^\s*\d+/.test(penaltyText) ? Math.min(Number(/\d+/.exec(penaltyText)![0]), 2 ** 31 - 1) : 0;
    const paused = AST_TRUE.test(ctx.get('Paused') ?? '');
    ctx.reply(success(ctx.id, 'Added interface to queue'));
    core.addMember(q, {
      iface: location,
      name: (ctx.get('MemberName') || location).slice(0, MAX_NAME),
      paused,
      reason: ctx.get('Reason') ?? '',
      penalty,
      stateInterface: (ctx.get('StateInterface') ?? '').slice(0, MAX_NAME),
    });
    ctx.pbx.plan.kickQueue(q);
  },

  queuepenalty(ctx) {
    const core = ctx.pbx.core;
    const iface = ctx.get('Interface');
    const penaltyText = ctx.get('Penalty');
    if (!iface || !penaltyText) return ctx.reply(error(ctx.id, "Need 'Interface' and 'Penalty' parameters."));
    // atoi: leading digits (and a sign) count, anything else is 0; a negative penalty is refused.
    const m = /^\s*([+-]?\d+)/.exec(penaltyText);
    const penalty = m ? Number(m[1]) : 0;
    const queue = ctx.get('Queue') || undefined;
    const members = penalty < 0 ? [] : core.findMembers(iface, queue);
    if (members.length === 0) return ctx.reply(error(ctx.id, 'Invalid interface, queuename or penalty'));
    ctx.reply(success(ctx.id, 'Interface penalty set successfully'));
    for (const member of members) core.setPenalty(member, Math.min(penalty, 2 ** 31 - 1));
  },

  queueremove(ctx) {
    const core = ctx.pbx.core;
    const queue = ctx.get('Queue');
    const iface = ctx.get('Interface');
    if (!queue || !iface) return ctx.reply(error(ctx.id, "Need 'Queue' and 'Interface' parameters."));
    const q = core.queues.get(queue);
    if (!q) return ctx.reply(error(ctx.id, 'Unable to remove interface from queue: No such queue'));
    const m = core.findMembers(iface, queue)[0];
    if (!m) return ctx.reply(error(ctx.id, 'Unable to remove interface: Not there'));
    if (m.membership !== 'dynamic') return ctx.reply(error(ctx.id, 'Member not dynamic'));
    ctx.reply(success(ctx.id, 'Removed interface from queue'));
    core.removeMember(q, m);
  },

  ...PJSIP_ACTIONS,
};

/** Action names as Asterisk registers them, for ListCommands. */
const NAMES: Record<string, string> = {
  ping: 'Ping',
  logoff: 'Logoff',
  challenge: 'Challenge',
  login: 'Login',
  events: 'Events',
  filter: 'Filter',
  listcommands: 'ListCommands',
  coresettings: 'CoreSettings',
  corestatus: 'CoreStatus',
  reload: 'Reload',
  command: 'Command',
  coreshowchannels: 'CoreShowChannels',
  status: 'Status',
  bridgelist: 'BridgeList',
  queuestatus: 'QueueStatus',
  hangup: 'Hangup',
  redirect: 'Redirect',
  originate: 'Originate',
  queuepause: 'QueuePause',
  queueadd: 'QueueAdd',
  queueremove: 'QueueRemove',
  queuepenalty: 'QueuePenalty',
  blindtransfer: 'BlindTransfer',
  atxfer: 'Atxfer',
  park: 'Park',
  parkedcalls: 'ParkedCalls',
  ...PJSIP_ACTION_NAMES,
};

/** A priority is a number (labels: the demo's dialplan has none, so ast_findlabel_extension finds nothing). */
const validPriority = (text: string): boolean => /^\s*\d+/.test(text) && Number(/\d+/.exec(text)![0]) >= 1;

function findChannel(ctx: ActionContext, name: string) {
  const core = ctx.pbx.core;
  return core.channels.get(name) ?? [...core.channels.values()].find((c) => c.name.toLowerCase() === name.toLowerCase());
}

/** `"Name" <123>`, `Name <123>` or `123` → [num, name]. */
export function parseCallerId(text: string): [string, string] {
  const m = /^\s*"?([^"<]*?)"?\s*<([^>]*)>\s*$/.exec(text);
  if (m) return [m[2].trim(), m[1].trim()];
  return [text.trim(), ''];
}

/** The modules a Reload may name: what the demo stands in for. */
const RELOADABLE = new Set(['app_queue', 'res_parking', 'res_pjsip', 'chan_pjsip', 'manager', 'pbx_config', 'res_musiconhold']);

/** The build date `core show version` writes, in UTC as it says. */
function dateTime(ms: number): [string, string] {
  const iso = new Date(ms).toISOString();
  return [iso.slice(0, 10), iso.slice(11, 19)];
}

/** ast_localtime: the process's own zone, no zone written (CoreStatus). */
function localDateTime(ms: number): [string, string] {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return [`${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`, `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function duration(seconds: number): string {
  const parts: string[] = [];
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (d) parts.push(plural(d, 'day'));
  if (h) parts.push(plural(h, 'hour'));
  if (m) parts.push(plural(m, 'minute'));
  if (s || parts.length === 0) parts.push(plural(s, 'second'));
  return parts.join(', ');
}

/** The few read-only CLI commands the demo knows, in Asterisk 22's words (08, main/cli.c, app_queue.c, res_pjsip); undefined for anything else. */
function runCommand(ctx: ActionContext, cmd: string): string[] | undefined {
  const core = ctx.pbx.core;
  const now = core.now();
  const lower = cmd.toLowerCase();
  const capacity = () => {
    const calls = core.callCount();
    const pct = ((100 * calls) / MAX_CALLS).toFixed(2).padStart(5);
    return `${calls} of ${MAX_CALLS} max active call${calls === 1 ? '' : 's'} (${pct}% of capacity)`;
  };
  if (lower.startsWith('queue show ') && cmd.split(' ').length === 3) {
    const name = cmd.split(' ')[2];
    const q = core.queues.get(name);
    // ast_str_set into a 512-byte buffer: a long name is cut, never echoed whole.
    if (!q) return [`No such queue: ${name.slice(0, 400)}.`];
    return [...queueLines(q, now), ''];
  }
  switch (lower) {
    case 'core show channels count':
      return [plural(core.channels.size, 'active channel'), capacity(), `${plural(core.processedCalls, 'call')} processed`];
    case 'core show channels': {
      const f = (a: string, b: string, c: string, d: string) => `${fit(a, 64)} ${fit(b, 32)} ${fit(c, 7)} ${fit(d, 30)}`;
      const rows = [f('Channel', 'Location', 'State', 'Application(Data)')];
      for (const ch of core.channels.values()) {
        const loc = ch.context && ch.exten ? `${ch.exten}@${ch.context}:${ch.priority}`.slice(0, 39) : '(None)';
        const app = ch.app ? `${ch.app}(${ch.appData})`.slice(0, 39) : '(None)';
        rows.push(f(ch.name, loc, STATE_DESC[ch.state] ?? 'Unknown', app));
      }
      return [...rows, plural(core.channels.size, 'active channel'), capacity(), `${plural(core.processedCalls, 'call')} processed`];
    }
    case 'core show uptime':
      return [`System uptime: ${duration((now - core.bootMs) / 1000)}`, `Last reload: ${duration((now - core.reloadMs) / 1000)}`];
    case 'core show version': {
      const [date, time] = dateTime(core.bootMs);
      return [`Asterisk ${ASTERISK_VERSION} built by root @ demo-pbx on a x86_64 running Linux on ${date} ${time} UTC`];
    }
    case 'pjsip show contacts':
      return pjsipShowContacts(ctx.pbx.registrar);
    case 'pjsip show endpoints':
      return pjsipShowEndpoints(ctx.pbx.registrar, core);
    case 'queue show':
      return [...[...core.queues.values()].sort((a, b) => a.def.name.localeCompare(b.def.name)).flatMap((q) => queueLines(q, now)), ''];
    default:
      return undefined;
  }
}

/** printf's %-N.Ns */
const fit = (text: string, width: number): string => text.slice(0, width).padEnd(width);

/** app_queue's print_queue, as 08's `queue show billing`. */
function queueLines(q: Queue, nowMs: number): string[] {
  const now = Math.floor(nowMs / 1000);
  const done = q.completed;
  const sl = done > 0 ? (100 * q.completedInSl) / done : 0;
  const all = done + q.abandoned;
  const sl2 = all > 0 ? (100 * (q.completedInSl + q.abandonedInSl)) / all : 0;
  const lines = [
    `${q.def.name} has ${q.callers.length} calls (max unlimited) in '${q.def.strategy}' strategy (${q.holdtime}s holdtime, ${q.talktime}s talktime), W:0, C:${done}, A:${q.abandoned}, SL:${sl.toFixed(1)}%, SL2:${sl2.toFixed(1)}% within ${q.def.serviceLevel}s`,
  ];
  if (q.members.length === 0) lines.push('   No Members');
  else {
    lines.push('   Members: ');
    for (const m of q.members) {
      let line = `      ${m.name}`;
      if (m.name.toLowerCase() !== m.interface.toLowerCase()) {
        line += ` (${m.interface}${m.stateInterface && m.stateInterface !== m.interface ? ` from ${m.stateInterface}` : ''})`;
      }
      if (m.penalty) line += ` with penalty ${m.penalty}`;
      line += ' (ringinuse disabled)';
      if (m.membership === 'dynamic') line += ' (dynamic)';
      if (m.inCall) line += ' (in call)';
      if (m.paused) line += ` (paused${m.pausedReason ? `:${m.pausedReason}` : ''} was ${now - m.lastPause} secs ago)`;
      line += ` (${DEVICE_TEXT[m.status] ?? 'Unknown'})`;
      line += m.callsTaken ? ` has taken ${m.callsTaken} calls (last was ${now - m.lastCall} secs ago)` : ' has taken no calls yet';
      line += ` (login was ${now - m.loginTime} secs ago)`;
      lines.push(line);
    }
  }
  if (q.callers.length === 0) lines.push('   No Callers');
  else {
    lines.push('   Callers: ');
    q.callers.forEach((e, i) => {
      const wait = Math.max(0, now - Math.floor(e.joinedMs / 1000));
      lines.push(`      ${i + 1}. ${e.ch.name} (wait: ${Math.floor(wait / 60)}:${String(wait % 60).padStart(2, '0')}, prio: 0)`);
    });
  }
  lines.push('');
  return lines;
}

/** A member's numeric device state to devicestate.c's words. */
const DEVICE_TEXT: Record<number, string> = Object.fromEntries(
  Object.entries(DEVICE_STATE).map(([k, v]) => [v, DEVICE_STATE_TEXT[k as keyof typeof DEVICE_STATE]]),
);
