/**
 * Human text for an action Asterisk refused. Asterisk authorises a manager
 * action against the user's *write* classes in manager.conf, and any one of
 * the action's classes is enough (main/manager.c: `writeperm & authority`).
 * The classes below are those each action is registered with.
 */
const WRITE_CLASSES: Record<string, readonly string[]> = {
  coreshowchannels: ['system', 'reporting'], // main/manager.c
  status: ['system', 'call', 'reporting'], // main/manager.c
  corestatus: ['system', 'reporting'],
  coresettings: ['system', 'reporting'],
  hangup: ['system', 'call'],
  redirect: ['call'],
  originate: ['originate'],
  command: ['command'],
  queuestatus: [], // apps/app_queue.c: registered with no class
  queuesummary: [],
  queuepause: ['agent'],
  queueadd: ['agent'],
  queueremove: ['agent'],
  queuepenalty: ['agent'],
  blindtransfer: ['call'],
  atxfer: ['call'],
  park: ['call'], // res/parking/parking_manager.c
  bridgelist: [], // main/manager_bridges.c: registered with no class
  parkedcalls: ['call'], // res/parking/parking_manager.c
  ping: [],
  extensionstatelist: ['call', 'reporting'], // main/extension_state.c
  devicestatelist: ['call', 'reporting'], // res/res_manager_devicestate.c
  pjsipshowendpoints: ['system'], // res/res_pjsip/pjsip_configuration.c
  pjsipshowcontacts: ['system'], // res/res_pjsip/pjsip_options.c
};

export function requiredWriteClasses(action: string): readonly string[] | undefined {
  const key = action.toLowerCase();
  return Object.hasOwn(WRITE_CLASSES, key) ? WRITE_CLASSES[key] : undefined;
}

/** What the board lacks when an action's module is not loaded. */
const WITHOUT_MODULE: Record<string, string> = {
  parkedcalls: 'res_parking is not loaded, so parked calls are not shown',
  pjsipshowendpoints: 'res_pjsip is not loaded, so there are no PJSIP phones to show',
  pjsipshowcontacts: 'res_pjsip is not loaded, so there are no PJSIP phones to show',
};

export function describeRefusal(action: string, message: string): string {
  // manager.c answers an action no module registered with "Invalid/unknown command: <action>. Use Action: ListCommands…".
  if (message.trim().toLowerCase().startsWith('invalid/unknown command')) {
    const key = action.toLowerCase();
    const lack = Object.hasOwn(WITHOUT_MODULE, key) ? WITHOUT_MODULE[key] : 'the module that provides it is not loaded';
    return `${action} is unknown to this Asterisk: ${lack}`;
  }
  if (message.trim().toLowerCase() !== 'permission denied') return `${action} failed: ${message}`;
  const classes = requiredWriteClasses(action);
  if (classes === undefined) {
    return `${action} refused (Permission denied): the manager user in manager.conf lacks the write permission this action needs`;
  }
  if (classes.length === 0) {
    return `${action} refused (Permission denied) although it needs no write permission: the session is not logged in, or the module that provides it is not loaded`;
  }
  const options = classes.map((c) => `"${c}"`).join(' or ');
  return `${action} refused (Permission denied): add ${options} to this manager user's write= permissions in manager.conf`;
}
