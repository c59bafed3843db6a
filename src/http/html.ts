import type { FastifyReply } from 'fastify';

/**
 * The service's pages are self-contained (inline CSS and SVG, no script, nothing fetched), so
 * they allow nothing else; a form may only send to the service itself.
 */
export const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'";
/**
 * The header adds that no other site may frame a page (a report page signed in with Basic
 * credentials the browser remembers, under a clickjacking overlay); `default-src` does not
 * cover framing, and browsers ignore `frame-ancestors` in a `<meta>` tag.
 */
const HEADER_CSP = `${PAGE_CSP}; frame-ancestors 'none'`;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML content and attribute values. */
export function esc(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** The page's opening: charset, a viewport for phones, the CSP again for saved copies. */
export function pageHead(title: string, style: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">
<title>${esc(title)}</title><style>${style}</style></head>`;
}

export function sendPage(reply: FastifyReply, html: string, status = 200) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', HEADER_CSP)
    .header('x-frame-options', 'DENY')
    .send(html);
}
