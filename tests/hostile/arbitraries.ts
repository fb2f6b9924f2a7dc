/**
 * fast-check arbitraries for hostile input: strings with SQL metacharacters and awkward unicode
 * (right-to-left marks, emoji, NUL, lone surrogates), date-like strings from year 0001 to 9999 and
 * beyond, and whole request bodies and query strings per route, mostly near-valid (so they get past
 * the first check) and sometimes anything at all.
 *
 * @module
 */
import fc from "fast-check";

/** SQL metacharacters and injection attempts. */
export const SQL_METACHARACTERS: readonly string[] = [
  "'",
  "''",
  '"',
  "`",
  ";",
  "--",
  "/*",
  "*/",
  "\\",
  "%",
  "_",
  "$1",
  "$$",
  "' or '1'='1",
  "'; drop table unit_economics.sync_runs; --",
  '"; select pg_sleep(10); --',
  "orders' union select token, token, token from unit_economics.metric_bindings --",
  ") or (1=1",
  "E'\\x00'",
  "\\x27",
];

/** Unicode that trips parsers, terminals and databases. */
export const AWKWARD_UNICODE: readonly string[] = [
  "\u0000",
  "\u202e", // right-to-left override
  "\u200f", // right-to-left mark
  "\u200b", // zero-width space
  "\ufeff", // byte order mark
  "\ud800", // lone high surrogate
  "\udfff", // lone low surrogate
  "\udc00\ud800", // surrogates in the wrong order
  "😀",
  "👩‍👩‍👧",
  "مرحبا",
  "עברית",
  "Ω",
  "ｏｒｄｅｒｓ", // full-width letters
  "\u0301", // a lone combining accent
  "\r\n",
  "\t",
  "\u2028",
  "١٢٣", // Arabic-Indic digits
];

/** Strings that look like something else: numbers, paths, markup, template syntax. */
const LOOKALIKES: readonly string[] = [
  "",
  " ",
  "null",
  "undefined",
  "NaN",
  "Infinity",
  "-1",
  "0",
  "1e309",
  "0x10",
  "__proto__",
  "constructor",
  "toString",
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "${jndi:ldap://x}",
  "{{7*7}}",
  "%00",
  "%27",
  "orders",
  "ORDERS",
  " orders",
  "orders ",
  "revenue",
  "active_customers",
];

/** Any code point, lone surrogates included (fast-check's own units leave those out). */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((cp) =>
  cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp)
);

/** A hostile string: a known trouble-maker, random code points, or a valid word spoiled. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQL_METACHARACTERS, ...AWKWARD_UNICODE, ...LOOKALIKES),
  fc.string({ unit: anyCodePoint, maxLength: 24 }),
  fc.string({ unit: "grapheme", maxLength: 24 }),
  fc.tuple(
    fc.constantFrom("orders", "2026-01-01", "http", "true"),
    fc.constantFrom(...SQL_METACHARACTERS, ...AWKWARD_UNICODE),
    fc.boolean(),
  ).map(([word, spoiler, before]) => before ? spoiler + word : word + spoiler),
  fc.nat({ max: 3000 }).map((length) => "a".repeat(length)),
);

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a Date, with the sign and six digits that toISOString uses past year 9999. */
function isoDay(date: Date): string {
  return date.toISOString().slice(0, date.toISOString().indexOf("T"));
}

/** Days near today: valid, in the past, today, or just ahead. */
const nearDay = fc.integer({ min: -4_000, max: 3 }).map((days) =>
  isoDay(new Date(Date.now() + days * DAY_MS))
);

/** A date-like string: valid days, absurd ones (0001, 9999-12-31), malformed, or hostile. */
export const dateLike: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: nearDay, weight: 4 },
  {
    arbitrary: fc.constantFrom(
      "0001-01-01",
      "0000-01-01",
      "0099-12-31",
      "1969-12-31",
      "1970-01-01",
      "9999-12-31",
      "10000-01-01",
      "+002026-01-01",
      "-000001-01-01",
      "2026-02-30",
      "2026-02-29",
      "2024-02-29",
      "2026-13-01",
      "2026-00-10",
      "2026-1-1",
      "20260101",
      "2026/01/01",
      "2026-01-01T00:00:00Z",
      "2026-01-01 ",
      " 2026-01-01",
      "2026-01-01\u0000",
      "٢٠٢٦-٠١-٠١",
      "yesterday",
      "today",
    ),
    weight: 2,
  },
  {
    arbitrary: fc.date({
      min: new Date("0001-01-01T00:00:00Z"),
      max: new Date("9999-12-31T00:00:00Z"),
      noInvalidDate: true,
    }).map(isoDay),
    weight: 2,
  },
  {
    arbitrary: fc.tuple(nearDay, fc.constantFrom(...SQL_METACHARACTERS, ...AWKWARD_UNICODE)).map((
      [day, spoiler],
    ) => day + spoiler),
    weight: 1,
  },
  { arbitrary: hostileString, weight: 1 },
);

/** Any JSON value, of any type, for fields that expect one type. */
const anyJson = fc.jsonValue({ maxDepth: 2 });

/** A value for a field: usually of the expected kind, sometimes anything. */
function fieldOf<T>(expected: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: expected, weight: 4 }, { arbitrary: anyJson, weight: 1 });
}

/** Unknown keys: typos of real ones, hostile names, prototype pollution attempts. */
const unknownKeys = fc.dictionary(
  fc.oneof(
    fc.constantFrom("dry_run", "Date", "metric", "label", "labels", "__proto__", "constructor"),
    hostileString,
  ),
  anyJson,
  { maxKeys: 2 },
);

/** Metric keys: declared ones, unknown ones and hostile strings. */
const metricKey = fc.oneof(
  fc.constantFrom("orders", "revenue", "active_customers", "nope"),
  hostileString,
);

/** A request body as text, from a model of its fields: mostly near-valid, sometimes junk. */
function bodyText(fields: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fields.map((body) => JSON.stringify(body)), weight: 6 },
    {
      arbitrary: fc.tuple(fields, unknownKeys).map(([body, extra]) =>
        JSON.stringify({ ...extra, ...body })
      ),
      weight: 1,
    },
    { arbitrary: anyJson.map((value) => JSON.stringify(value)), weight: 1 },
    {
      // Valid JSON cut short, or with a hostile tail.
      arbitrary: fc.tuple(fields, fc.nat(), hostileString).map(([body, cut, tail]) => {
        const text = JSON.stringify(body);
        return text.slice(0, cut % (text.length + 1)) + tail;
      }),
      weight: 1,
    },
    { arbitrary: fc.string({ unit: anyCodePoint, maxLength: 64 }), weight: 1 },
  );
}

/** A day in the past 4000 days (valid for a sync; a report takes at most 731 of them). */
const pastDay = fc.integer({ min: -4_000, max: -1 }).map((days) =>
  isoDay(new Date(Date.now() + days * DAY_MS))
);

/** A valid window: none (the default), one day, or from..to in order. */
const validWindow: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc.constant({}),
  pastDay.map((date) => ({ date })),
  fc.tuple(pastDay, pastDay).map(([a, b]) => (a <= b ? { from: a, to: b } : { from: b, to: a })),
);

/**
 * A body that is valid (`valid`) with up to two of its fields replaced by a hostile value
 * (`spoilers`, by field name; a field missing from the valid body is added). A third of the bodies
 * stay valid, so the fuzzer also drives the engine, not only the validation.
 */
function spoiled(
  valid: fc.Arbitrary<Record<string, unknown>>,
  spoilers: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys(spoilers);
  return fc.tuple(
    valid,
    fc.oneof(
      { arbitrary: fc.constant([] as string[]), weight: 1 },
      {
        arbitrary: fc.subarray(names, { minLength: 1, maxLength: Math.min(2, names.length) }),
        weight: 2,
      },
    ),
  ).chain(([body, fields]) =>
    fc.tuple(...fields.map((field) => spoilers[field])).map((values) => {
      const result = { ...body };
      for (const [index, field] of fields.entries()) result[field] = values[index];
      return result;
    })
  );
}

/** Bodies of `POST /sync`. */
export const syncBody: fc.Arbitrary<string> = bodyText(spoiled(
  fc.tuple(
    validWindow,
    fc.record({
      metrics: fc.constantFrom(["orders"]),
      // Dry runs mostly: a fuzzer that sends real syncs would spend its time in the emulator.
      dryRun: fc.oneof({ arbitrary: fc.constant(true), weight: 3 }, fc.boolean()),
      force: fc.boolean(),
      trigger: fc.constantFrom("http", "cron", "cli"),
    }, { requiredKeys: [] }),
  ).map(([window, rest]) => ({ ...window, ...rest })),
  {
    date: fieldOf(dateLike),
    from: fieldOf(dateLike),
    to: fieldOf(dateLike),
    metrics: fieldOf(fc.array(metricKey, { maxLength: 4 })),
    dryRun: fieldOf(fc.boolean()),
    force: fieldOf(fc.boolean()),
    trigger: fieldOf(fc.oneof(fc.constantFrom("http", "cron", "cli"), hostileString)),
  },
));

/** Bodies of `POST /plan`. */
export const planBody: fc.Arbitrary<string> = bodyText(spoiled(
  fc.record({ prune: fc.boolean() }, { requiredKeys: [] }),
  { prune: fieldOf(fc.boolean()) },
));

/** A valid report window: none (the last 30 days), or from..to of at most 731 days. */
const validReportWindow: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc.constant({}),
  fc.tuple(pastDay, fc.nat({ max: 730 })).map(([to, length]) => ({
    from: isoDay(new Date(Date.parse(to) - length * DAY_MS)),
    to,
  })),
);

/** Bodies of `POST /report-link`. */
export const reportLinkBody: fc.Arbitrary<string> = bodyText(spoiled(
  fc.tuple(
    validReportWindow,
    fc.record({
      metric: fc.constant("orders"),
      expiresInSeconds: fc.integer({ min: 60, max: 604_800 }),
    }, { requiredKeys: [] }),
  ).map(([window, rest]) => ({ ...window, ...rest })),
  {
    metric: fieldOf(metricKey),
    from: fieldOf(dateLike),
    to: fieldOf(dateLike),
    expiresInSeconds: fieldOf(
      fc.oneof(
        fc.integer({ min: -10, max: 8 * 86_400 }),
        fc.constantFrom(59, 60, 3_600, 604_800, 604_801, 2 ** 53, 1e308, -0, 0.5),
      ),
    ),
  },
));

/** One query parameter's name, for a route whose names are `names`. */
function queryName(names: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof({ arbitrary: fc.constantFrom(...names), weight: 5 }, hostileString);
}

/**
 * A query string (without `?`): a valid query with up to two parameters spoiled, pairs of known
 * and hostile names with hostile values (duplicates included), or raw text as typed.
 */
function queryString(
  valid: fc.Arbitrary<Record<string, string>>,
  values: Record<string, fc.Arbitrary<string>>,
): fc.Arbitrary<string> {
  const names = Object.keys(values);
  const pair = queryName(names).chain((name) =>
    fc.tuple(fc.constant(name), Object.hasOwn(values, name) ? values[name] : hostileString)
  );
  return fc.oneof(
    {
      arbitrary: spoiled(valid, values).map((query) =>
        new URLSearchParams(Object.entries(query).map(([name, value]) => [name, String(value)]))
          .toString()
      ),
      weight: 4,
    },
    {
      arbitrary: fc.array(pair, { maxLength: 5 }).map((pairs) =>
        new URLSearchParams(pairs).toString()
      ),
      weight: 2,
    },
    {
      // Raw, unencoded: malformed percent escapes, stray separators, duplicated names.
      arbitrary: fc.string({
        unit: fc.constantFrom(
          ..."%&=+;._~-'\"<>!*()aZ09",
          "%ZZ",
          "%E0%A4%A",
          "%00",
          "%25",
          ...names,
        ),
        maxLength: 40,
      }),
      weight: 1,
    },
  );
}

/** Query strings of `GET /runs`. */
export const runsQuery: fc.Arbitrary<string> = queryString(
  fc.record({ limit: fc.integer({ min: 1, max: 200 }).map(String) }, { requiredKeys: [] }),
  {
    limit: fc.oneof(
      fc.integer({ min: -5, max: 250 }).map(String),
      fc.constantFrom("1.5", "1e2", "0x10", " 5", "5 ", "+5", "Infinity", "NaN", "٣", "", "20;"),
      hostileString,
    ),
  },
);

/** Query strings of `GET /status` (which takes none: any is ignored). */
export const statusQuery: fc.Arbitrary<string> = queryString(fc.constant({}), {
  stale: hostileString,
  metric: hostileString,
});

const windowValues = { metric: metricKey, from: dateLike, to: dateLike };

/** Query strings of `GET /unit-costs`. */
export const unitCostsQuery: fc.Arbitrary<string> = queryString(
  validReportWindow.map((window) => ({ metric: "orders", ...window })),
  windowValues,
);

/**
 * Query strings of `GET /report`: a window as for /unit-costs, or a signed link, genuine (one of
 * `links`, each a query string that POST /report-link returned) with up to two parameters spoiled,
 * or made up.
 */
export function reportQuery(links: readonly string[]): fc.Arbitrary<string> {
  const signed = fc.constantFrom(...links).map((link) =>
    Object.fromEntries(new URLSearchParams(link))
  );
  return fc.oneof(
    queryString(validReportWindow.map((window) => ({ metric: "orders", ...window })), windowValues),
    queryString(signed, {
      ...windowValues,
      expires: fc.oneof(
        fc.integer({ min: -10, max: 2_000_000_000 }).map(String),
        fc.constantFrom("1e30", "9007199254740993", "-0", "0x7fffffff"),
        hostileString,
      ),
      signature: fc.oneof(
        fc.string({
          unit: fc.constantFrom(
            ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
          ),
          minLength: 43,
          maxLength: 43,
        }),
        hostileString,
      ),
    }),
  );
}
