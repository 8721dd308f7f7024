/**
 * Where to go after sign-in: the `next` query parameter of /sign-in, accepted only as a path on this origin
 * (an open redirect would let a link on another site send a user, just signed in, anywhere). Pure.
 */

export const SIGN_IN_PATH = '/sign-in';
export const DEFAULT_PATH = '/patients';

/** A base that no real address has: a `next` that leaves it was not a same-origin path. */
const PROBE = 'https://medassist.invalid';

/**
 * `next` as a path (with its query and fragment) when it is a same-origin path starting with one "/",
 * otherwise the default screen. The URL parser decides, so `//host`, `/\host`, `/\t/host` and
 * `javascript:` are all refused the way a browser would read them.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.length > 2000) return DEFAULT_PATH;
  let url: URL;
  try {
    url = new URL(next, PROBE);
  } catch {
    return DEFAULT_PATH;
  }
  if (url.origin !== PROBE) return DEFAULT_PATH;
  // Back to the sign-in screen would be a loop.
  if (url.pathname === SIGN_IN_PATH || url.pathname.startsWith(`${SIGN_IN_PATH}/`)) return DEFAULT_PATH;
  return url.pathname + url.search + url.hash;
}

/** The sign-in address that returns to `path` afterwards (`/` and the sign-in screen itself need no `next`). */
export function signInPath(path: string): string {
  const next = safeNextPath(path);
  if (next === DEFAULT_PATH && path !== DEFAULT_PATH) return SIGN_IN_PATH;
  return `${SIGN_IN_PATH}?${new URLSearchParams({ next }).toString()}`;
}
