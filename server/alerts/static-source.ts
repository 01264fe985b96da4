/**
 * Rule sources and a sink for when nothing is stored or delivered: tests,
 * benches, and a server whose configuration store is not connected.
 */
import type { AlertRule } from '@/lib/alerts/model';
import type { AlertRuleSource, EventSink } from './ports';

/** Rules held in memory; `set` replaces them and tells the listeners, as a store's write does. */
export class StaticRuleSource implements AlertRuleSource {
  private current: readonly AlertRule[];
  private readonly listeners = new Set<() => void>();

  constructor(rules: readonly AlertRule[] = []) {
    this.current = [...rules];
  }

  rules(): readonly AlertRule[] {
    return this.current;
  }

  /** A new array each time: the engine regroups the rules when the array changes. */
  set(rules: readonly AlertRule[]): void {
    this.current = [...rules];
    for (const listener of this.listeners) listener();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** No rules, ever. */
export const EMPTY_RULE_SOURCE: AlertRuleSource = {
  rules: () => [],
  onChange: () => () => {},
};

/** Delivers nothing. */
export const NULL_SINK: EventSink = { alert() {}, call() {} };
