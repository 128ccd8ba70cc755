/**
 * How many reminders a situation that persists has earned: one more every `everyMs` after it
 * fired, up to `max`. The level is the exception's escalation level, so each reminder is an
 * escalation the notifier turns into a message; `nextAt` is when the next one falls due (null
 * once the last one is reached).
 */
export function reminderLevel(firedAt: number, now: number, everyMs: number, max: number): { level: number; nextAt: number | null } {
  const level = Math.min(max, Math.max(0, Math.floor((now - firedAt) / everyMs)));
  return { level, nextAt: level < max ? firedAt + (level + 1) * everyMs : null };
}
