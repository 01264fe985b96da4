import { z } from 'zod';

/** Checks the numbers a caller may get wrong; a bad option fails fast with a clear message. */
const seconds = z
  .tuple([z.number().min(0).max(3600), z.number().min(0).max(3600)])
  .refine(([min, max]) => min <= max, 'min must not exceed max');

export const demoPbxOptionsSchema = z
  .object({
    port: z.number().int().min(0).max(65535).optional(),
    host: z.string().min(1).optional(),
    seed: z.number().int().optional(),
    users: z
      .array(
        z.object({
          username: z
            .string()
            .min(1)
            .regex(/^[^\r\n\0]+$/),
          secret: z
            .string()
            .min(1)
            .regex(/^[^\r\n\0]+$/),
          read: z.array(z.string()),
          write: z.array(z.string()),
        }),
      )
      .min(1)
      .optional(),
    traffic: z
      .object({
        callsPerMinute: z.number().min(0).max(6000).optional(),
        maxConcurrentCalls: z.number().int().min(0).max(5000).optional(),
        enabled: z.boolean().optional(),
      })
      .optional(),
    load: z.object({ channels: z.number().int().min(0).max(10_000), eventsPerSec: z.number().min(0).max(50_000) }).optional(),
    speed: z.number().positive().max(1000).optional(),
    timing: z
      .object({
        answerAfter: seconds.optional(),
        talk: seconds.optional(),
        noAnswer: z.number().min(0).max(1).optional(),
        answerAfterFor: z.record(z.string(), seconds).optional(),
      })
      .optional(),
    // Three hours is plenty for any statistic to look lived-in, and keeps startup well under a second.
    registrations: z
      .object({
        enabled: z.boolean().optional(),
        // At least a second apart, so the churn can never spin on one instant.
        every: z
          .tuple([z.number().min(1).max(3600), z.number().min(1).max(3600)])
          .refine(([min, max]) => min <= max, 'min must not exceed max')
          .optional(),
        away: seconds.optional(),
      })
      .optional(),
    warmup: z.object({ minutes: z.number().min(0).max(180) }).optional(),
  })
  .passthrough()
  // Load mode paces itself by the real clock, so it has nothing to run ahead.
  .refine((o) => !(o.load && o.warmup && o.warmup.minutes > 0), { message: 'warmup does not apply to load mode', path: ['warmup'] });
