/** Bare URLs and autolinks are read as their host: nobody wants "h t t p s colon slash slash". */
export function hostOf(url: string): string | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `http://${url}`;
  try {
    const { protocol, hostname, pathname } = new URL(withScheme);
    if (protocol === 'mailto:') return pathname;
    return hostname ? hostname.replace(/^www\./, '') : undefined;
  } catch {
    return undefined;
  }
}

/** Whether link text is just the URL spelled out (autolinks, GFM literal links). */
export function isUrlText(text: string, url: string): boolean {
  const t = text.trim();
  return t === url || `http://${t}` === url || `mailto:${t}` === url || /^(?:[a-z]+:\/\/|www\.)\S+$/i.test(t);
}
