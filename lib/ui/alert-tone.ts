/**
 * The alert sound, made with Web Audio rather than a file: two short tones,
 * higher and repeated for a critical alert. A browser lets a page sound only
 * after someone clicked on it, so `unlockTone` runs from the click that turns
 * the sound on.
 */
import type { Severity } from '../alerts/model';

let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (typeof window === 'undefined' || typeof window.AudioContext !== 'function') return null;
  context ??= new window.AudioContext();
  return context;
}

/** From a click: the browser then allows this page's later tones. */
export function unlockTone(): void {
  void audio()?.resume();
}

export function playTone(severity: Severity): void {
  const ctx = audio();
  if (!ctx || ctx.state !== 'running') return;
  const [pitch, beeps] = severity === 'critical' ? [880, 3] : [660, 2];
  const start = ctx.currentTime + 0.02;
  for (let i = 0; i < beeps; i++) {
    const at = start + i * 0.22;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = pitch;
    // A short ramp in and out: a hard edge clicks in a speaker.
    gain.gain.setValueAtTime(0, at);
    gain.gain.linearRampToValueAtTime(0.2, at + 0.02);
    gain.gain.linearRampToValueAtTime(0, at + 0.16);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.18);
  }
}
