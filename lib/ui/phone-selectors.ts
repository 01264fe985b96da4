/**
 * The phones of the shown boards, recomputed only when a table they read is
 * replaced, and with each unchanged phone kept as the same object, so that a
 * memoised tile re-renders only when its own phone changes (at 2,000 phones
 * and hundreds of events a second, most tiles change in no batch).
 */
import { useEffect, useState } from 'react';
import { usePbx, type Board } from '../store';
import type { PbxState } from '../pbx/model';
import { shownBoards } from './selectors';
import { phonesOf, type Phone } from './switchboard';

export interface BoardPhone {
  pbx: string;
  phone: Phone;
}

type Inputs = Pick<PbxState, 'endpoints' | 'contacts' | 'devices' | 'members' | 'channels' | 'calls'>;
const INPUTS: readonly (keyof Inputs)[] = ['endpoints', 'contacts', 'devices', 'members', 'channels', 'calls'];

const sameRegistration = (a: Phone['registration'], b: Phone['registration']): boolean =>
  a === b ||
  (a !== null &&
    b !== null &&
    a.userAgent === b.userAgent &&
    a.address === b.address &&
    a.rttMs === b.rttMs &&
    a.status === b.status &&
    a.contacts === b.contacts &&
    a.expiresAt === b.expiresAt);

export function samePhone(a: Phone, b: Phone): boolean {
  return (
    a.id === b.id &&
    a.number === b.number &&
    a.name === b.name &&
    a.presence === b.presence &&
    a.deviceState === b.deviceState &&
    a.since === b.since &&
    a.call?.call === b.call?.call &&
    a.call?.other === b.call?.other &&
    sameRegistration(a.registration, b.registration)
  );
}

interface Held {
  inputs: Inputs;
  phones: Phone[];
}

/** Per board id: what its phones were computed from, and the result. */
const held = new Map<string, Held>();

function phonesOfBoard(board: Board): Phone[] {
  const s = board.state;
  const prev = held.get(board.id);
  if (prev && INPUTS.every((k) => prev.inputs[k] === s[k])) return prev.phones;
  const byId = new Map(prev?.phones.map((p) => [p.id, p]));
  const next = phonesOf(s).map((p) => {
    const old = byId.get(p.id);
    return old !== undefined && samePhone(old, p) ? old : p;
  });
  // The same list when nothing in it changed (a call elsewhere, a queue's figures): the grid then does not re-render at all.
  const phones = prev && next.length === prev.phones.length && next.every((p, i) => p === prev.phones[i]) ? prev.phones : next;
  const inputs = {} as Record<keyof Inputs, unknown>;
  for (const k of INPUTS) inputs[k] = s[k];
  held.set(board.id, { inputs: inputs as Inputs, phones });
  return phones;
}

let allKey: Phone[][] = [];
let all: BoardPhone[] = [];

/** Every shown board's phones, in board order, each with its PBX. */
export function shownPhones(s: Parameters<typeof shownBoards>[0]): BoardPhone[] {
  const boards = shownBoards(s);
  const lists = boards.map(phonesOfBoard);
  if (lists.length !== allKey.length || lists.some((l, i) => l !== allKey[i])) {
    all = boards.flatMap((b, i) => lists[i].map((phone) => ({ pbx: b.id, phone })));
    allKey = lists;
  }
  return all;
}

/**
 * A switchboard needs no 60 Hz: at most every `intervalMs` the phones are
 * derived again, when something changed. Deriving 2,000 phones costs a few
 * ms (bench/ui.ts, BENCH_VIEW=phones); on every batch at 500 events/s it
 * took most of each frame. A colour then lags the event by a quarter second
 * at most.
 */
export function useShownPhones(intervalMs = 250): BoardPhone[] {
  const [phones, setPhones] = useState(() => shownPhones(usePbx.getState()));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const run = () => {
      timer = null;
      last = performance.now();
      setPhones(shownPhones(usePbx.getState()));
    };
    const unsubscribe = usePbx.subscribe(() => {
      if (timer === null) timer = setTimeout(run, Math.max(0, last + intervalMs - performance.now()));
    });
    run();
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [intervalMs]);
  return phones;
}
