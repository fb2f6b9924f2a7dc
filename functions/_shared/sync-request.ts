/**
 * What a caller may ask of a sync (HTTP body, CLI flags, pg_cron's body), validated with zod.
 *
 * @module
 */
import { z } from "zod";
import { isIsoDate } from "./dates.ts";

/** Longest window one request may name (ten years of days). */
export const MAX_WINDOW_DAYS = 3_660;

const isoDate = z.string().refine(isIsoDate, "must be a calendar date in YYYY-MM-DD form");

/** Who started a run. */
export const TRIGGERS = ["http", "cron", "cli"] as const;

/** Schema of a sync request; unknown keys are refused, so a typo (`dry_run`) is not silently ignored. */
export const syncRequestSchema = z.strictObject({
  /** Sync this one day. */
  date: isoDate.optional(),
  /** Sync from this day (with `to`, both included). */
  from: isoDate.optional(),
  to: isoDate.optional(),
  /** Metric keys; default all declared metrics. */
  metrics: z.array(z.string().min(1)).min(1).max(100).optional(),
  /** Plan only: send nothing, record nothing as sent. */
  dryRun: z.boolean().default(false),
  /** Resend values even when Vantage already has them. */
  force: z.boolean().default(false),
  /** Informational: who triggered the run. */
  trigger: z.enum(TRIGGERS).default("http"),
}).superRefine((request, context) => {
  if (request.date && (request.from || request.to)) {
    context.addIssue({
      code: "custom",
      message: "give either date or from + to, not both",
      path: ["date"],
    });
  }
  if (Boolean(request.from) !== Boolean(request.to)) {
    context.addIssue({
      code: "custom",
      message: "from and to go together",
      path: [request.from ? "to" : "from"],
    });
  }
  if (request.from && request.to && request.from > request.to) {
    context.addIssue({ code: "custom", message: "from must not be after to", path: ["from"] });
  }
});

/** A validated sync request. */
export type SyncRequest = z.infer<typeof syncRequestSchema>;

/**
 * Formats zod issues as one readable sentence plus per-field details.
 *
 * @example
 * ```ts
 * const parsed = syncRequestSchema.safeParse({ date: "yesterday" });
 * if (!parsed.success) describeIssues(parsed.error).message; // "date: must be a calendar date…"
 * ```
 */
export function describeIssues(
  error: z.ZodError,
): { message: string; details: { path: string; message: string }[] } {
  const details = error.issues.map((issue) => ({
    path: issue.path.join(".") || "(body)",
    message: issue.code === "unrecognized_keys"
      ? `unknown key(s) ${issue.keys.map((key) => `"${key}"`).join(", ")}`
      : issue.message,
  }));
  return {
    message: details.map((detail) => `${detail.path}: ${detail.message}`).join("; "),
    details,
  };
}
