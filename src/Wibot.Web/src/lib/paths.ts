// In-app paths shared by features that link to each other's pages (the router itself is in src/app).

/** The Safeguard page with one request shown ("/safeguard/APR-12"). */
export function safeguardRequestPath(requestId: string): string {
  return `/safeguard/${encodeURIComponent(requestId)}`;
}

/** The request id of a Safeguard request path, or null for any other path. */
export function parseSafeguardRequestPath(path: string): string | null {
  const match = /^\/safeguard\/([^/]+)\/?$/.exec(path);
  if (!match?.[1]) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}
