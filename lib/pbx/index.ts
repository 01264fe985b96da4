/**
 * The live PBX state engine: pure, deterministic, no I/O and no clock.
 * `step` reduces one AMI event, `resync` reconciles with Asterisk's lists;
 * both return the ops they applied, for broadcast.
 */
export { step, type StepOptions } from './reducer';
export { resync, type ResyncLists } from './resync';
export { contactsDue, expireContacts } from './endpoints';
export { ReducerError } from './errors';
export { DriftRecorder, type DriftDifference, type DriftSummary } from './drift';
export type { Drop, Limits } from './limits';
export { describeRefusal, requiredWriteClasses } from './permissions';
export { isTrunkChannel, trunkPredicate, DEFAULT_TRUNK_PATTERN, type TrunkPredicate } from './trunk';
export * from './model';
