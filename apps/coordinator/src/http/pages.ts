/** Small HTML pages the server answers with when something is not built or not there. */

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function notBuiltPage(title: string, what: string, how: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1d2433}
code{background:#eef1f6;padding:.1rem .35rem;border-radius:4px}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(what)}</p><p>Build it with <code>${escapeHtml(how)}</code>, then reload.</p></body></html>
`;
}
