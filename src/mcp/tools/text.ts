/** Removes HTML from Docebo's rich-text fields and shortens them for a model's context window. */
export function plainText(value: string | null | undefined, max = 400): string | undefined {
  if (!value) return undefined;
  const text = value
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return undefined;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Largest text rendering a tool returns; structured content is bounded by page sizes. */
export const MAX_TEXT = 20_000;

export function capText(text: string): string {
  return text.length > MAX_TEXT
    ? `${text.slice(0, MAX_TEXT)}\n… (output shortened; ask for fewer items)`
    : text;
}
