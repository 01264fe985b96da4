/** Who lives on the demo PBX: phones, agents, queues and the trunk. */

export interface Phone {
  exten: string;
  name: string;
}

export interface AgentDef {
  exten: string;
  name: string;
  queues: string[];
}

export interface QueueDef {
  name: string;
  strategy: 'ringall' | 'rrmemory';
  /** Seconds a caller may wait before the dialplan moves on (Queue's timeout argument). */
  timeout: number;
  /** Seconds each member rings before the queue tries again (queues.conf `timeout`). */
  memberTimeout: number;
  serviceLevel: number;
}

export const PHONES: Phone[] = [
  'Ann Lee',
  'Bo Chen',
  'Cy Diaz',
  'Di Okafor',
  'Ed Novak',
  'Fay Ito',
  'Gus Moreau',
  'Hal Berg',
  'Ivy Santos',
  'Jo Park',
  'Kai Müller',
  'Lea Rossi',
  'Max Dubois',
  'Nia Adams',
  'Oz Kaplan',
  'Pia Costa',
].map((name, i) => ({ exten: String(101 + i), name }));

export const DEFAULT_QUEUES: QueueDef[] = [
  { name: 'sales', strategy: 'ringall', timeout: 120, memberTimeout: 15, serviceLevel: 30 },
  { name: 'support', strategy: 'rrmemory', timeout: 120, memberTimeout: 15, serviceLevel: 60 },
];

export const DEFAULT_AGENTS: AgentDef[] = [
  { exten: '201', name: 'Alice', queues: ['sales'] },
  { exten: '202', name: 'Bob', queues: ['sales'] },
  { exten: '203', name: 'Carol', queues: ['sales'] },
  { exten: '204', name: 'Dave', queues: ['sales', 'support'] },
  { exten: '205', name: 'Erin', queues: ['support'] },
  { exten: '206', name: 'Frank', queues: ['support'] },
  { exten: '207', name: 'Grace', queues: ['support'] },
  { exten: '208', name: 'Heidi', queues: ['support', 'sales'] },
];

export const TRUNK = 'carrier';
/** The inbound number of the n-th queue (0-based): 5550100 for the first, 5550200 for the second, … */
export const didOf = (index: number): string => `5550${index + 1}00`;
export const PAUSE_REASONS = ['Break', 'Lunch', 'Coaching', 'Meeting', 'Training', 'After-call work'];
export const CUSTOMER_NAMES = ['Acme Corp', 'J Smith', 'M Garcia', 'Globex', 'K Tanaka', 'Initech', 'R Patel', 'S Novak'];

/** The queues beyond the default two that `CALLBOARD_DEMO_QUEUES=N` adds (up to 12 in all), for a wallboard to show many. */
const MORE_QUEUES = ['billing', 'returns', 'orders', 'tech', 'vip', 'partners', 'claims', 'renewals', 'spanish', 'french'];
const MORE_AGENTS = [
  'Ivan',
  'Judy',
  'Ken',
  'Liam',
  'Mallory',
  'Nina',
  'Oscar',
  'Peggy',
  'Quinn',
  'Rupert',
  'Sybil',
  'Trent',
  'Uma',
  'Victor',
  'Walter',
  'Xena',
  'Yuri',
  'Zoe',
  'Abel',
  'Bea',
  'Cyril',
  'Dora',
  'Eli',
  'Fern',
  'Gil',
  'Hana',
  'Igor',
  'Jade',
  'Kurt',
  'Lola',
];

/**
 * The demo's queues and agents for `count` queues: the default directory for 2
 * (or fewer, or an unreadable count), so the default demo is exactly as before;
 * each further queue gets three agents of its own.
 */
export function demoDirectory(count: number): { queues: QueueDef[]; agents: AgentDef[] } {
  const n = Number.isInteger(count) ? Math.min(2 + MORE_QUEUES.length, count) : 2;
  if (n <= 2) return { queues: DEFAULT_QUEUES, agents: DEFAULT_AGENTS };
  const extra = MORE_QUEUES.slice(0, n - 2);
  const queues = [
    ...DEFAULT_QUEUES,
    ...extra.map((name, i): QueueDef => ({
      name,
      strategy: i % 2 ? 'rrmemory' : 'ringall',
      timeout: 120,
      memberTimeout: 15,
      serviceLevel: 30 + 15 * (i % 3),
    })),
  ];
  const agents = [
    ...DEFAULT_AGENTS,
    ...extra.flatMap((queue, q) =>
      [0, 1, 2].map((k): AgentDef => ({ exten: String(209 + q * 3 + k), name: MORE_AGENTS[q * 3 + k], queues: [queue] })),
    ),
  ];
  return { queues, agents };
}
