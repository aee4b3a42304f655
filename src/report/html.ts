/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** JSON inside a <script> element: `<` escaped so no text in it can close the element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A table with escaped cells; a cell given as `{ html }` is trusted markup built by the caller. */
export function table(headers: string[], rows: Array<Array<string | number | { html: string }>>, empty: string): string {
  if (rows.length === 0) return `<p class="none">${escapeHtml(empty)}</p>`;
  const cell = (c: string | number | { html: string }): string => (typeof c === 'object' ? c.html : escapeHtml(String(c)));
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

export function link(url: string | null, text: string): { html: string } {
  return { html: url ? `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>` : escapeHtml(text) };
}
