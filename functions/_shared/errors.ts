/**
 * The product's errors: each carries the HTTP status and the snake_case code of the contract's error
 * shape `{"error":{"code","message","details"?}}`, so every edge (HTTP, CLI, run row, log line)
 * reports the same thing.
 *
 * @module
 */

/** Error codes of the contract, with the HTTP status each one answers. */
export const ERROR_STATUS = {
  invalid_body: 400,
  date_in_future: 400,
  unknown_metric: 400,
  unauthorized: 401,
  not_found: 404,
  sync_already_running: 409,
  metric_unbound: 409,
  payload_too_large: 413,
  invalid_source_data: 422,
  source_unavailable: 422,
  misconfigured: 500,
  interrupted: 500,
  internal_error: 500,
  vantage_rejected: 502,
  vantage_unavailable: 502,
  vantage_rate_limited: 502,
  vantage_invalid_response: 502,
  database_unavailable: 503,
} as const;

/** A code of the contract's error shape. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** HTTP status of an {@link AppError}. */
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

/**
 * An expected failure with a status, a code and a message that says what to fix.
 *
 * @example
 * ```ts
 * throw new AppError("misconfigured", "VANTAGE_API_TOKEN is not set: set it as a function secret");
 * ```
 */
export class AppError extends Error {
  /** snake_case code, stable for programs. */
  readonly code: ErrorCode;
  /** HTTP status that this error answers with. */
  readonly status: ErrorStatus;
  /** Optional structured detail (for example the invalid dates). */
  readonly details?: unknown;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: unknown; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
  }

  /** The contract's JSON error body. */
  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
      },
    };
  }
}

/** The contract's JSON error body. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/**
 * Turns anything thrown into an {@link AppError}; unknown errors become `internal_error` with a
 * generic message, so no stack trace or driver detail leaks to a caller.
 *
 * @example
 * ```ts
 * const error = toAppError(new TypeError("boom")); // error.code === "internal_error"
 * ```
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError("internal_error", "Unexpected internal error; see the function's logs", {
    cause: error,
  });
}

/**
 * Of several failures, the one a caller should see: 503 > 502 > 422 > the rest, as the contract
 * orders them (the database first, because nothing can be recorded without it).
 *
 * @example
 * ```ts
 * mostSevere([vantageError, sourceError]) === vantageError;
 * ```
 */
export function mostSevere(errors: readonly AppError[]): AppError | undefined {
  const rank = (error: AppError): number => {
    switch (error.status) {
      case 503:
        return 4;
      case 502:
        return 3;
      case 422:
        return 2;
      default:
        return error.status >= 500 ? 5 : 1;
    }
  };
  return [...errors].sort((a, b) => rank(b) - rank(a))[0];
}
