/**
 * A tiny builder for HTML and inline SVG: attribute values and text are escaped here, so the
 * report never interpolates a title, label or token into markup by hand.
 *
 * @module
 */

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Elements written as `<name … />` when they have no children (HTML voids and SVG shapes). */
const SELF_CLOSING = new Set([
  "meta",
  "br",
  "col",
  "circle",
  "rect",
  "path",
  "line",
  "polygon",
]);

/** An attribute value: `false`, `null` and `undefined` leave the attribute out. */
export type AttributeValue = string | number | boolean | null | undefined;

/**
 * Escapes text for element content and for quoted attribute values, in HTML and SVG alike.
 *
 * @example
 * ```ts
 * escapeMarkup(`<b>"R&D"</b>`); // "&lt;b&gt;&quot;R&amp;D&quot;&lt;/b&gt;"
 * ```
 */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character]);
}

/**
 * One element. Attribute values are escaped (numbers rounded to two decimals, which is plenty for
 * SVG coordinates and keeps the page small); children are markup already, so pass text through
 * {@linkcode escapeMarkup} or {@linkcode text}.
 *
 * @example
 * ```ts
 * element("circle", { class: "cpu-point", cx: 1.234, cy: 5 }); // '<circle class="cpu-point" cx="1.23" cy="5"/>'
 * element("p", {}, text("a < b")); // "<p>a &lt; b</p>"
 * ```
 */
export function element(
  name: string,
  attributes: Record<string, AttributeValue>,
  ...children: string[]
): string {
  let open = `<${name}`;
  for (const [key, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    open += value === true ? ` ${key}` : ` ${key}="${escapeMarkup(formatAttribute(value))}"`;
  }
  if (children.length === 0 && SELF_CLOSING.has(name)) return `${open}/>`;
  return `${open}>${children.join("")}</${name}>`;
}

/**
 * Escaped text, for use as a child of {@linkcode element}.
 *
 * @example
 * ```ts
 * text("Tom & Jerry"); // "Tom &amp; Jerry"
 * ```
 */
export function text(value: string): string {
  return escapeMarkup(value);
}

function formatAttribute(value: string | number): string {
  return typeof value === "number" ? String(Math.round(value * 100) / 100) : value;
}
