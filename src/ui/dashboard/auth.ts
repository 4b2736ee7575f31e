import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** 256 random bits, URL-safe: the whole of the dashboard's protection, so never shorter. */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Compares in constant time. Both sides are hashed first, so the buffers are always of equal
 * length and not even the length of the expected token leaks through timing.
 */
export function tokensMatch(expected: string, given: string | null): boolean {
  if (given === null || given === '') return false;
  const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** The token a request carries: `?token=`, `Authorization: Bearer`, else the page's cookie. */
export function requestToken(query: URLSearchParams, headers: IncomingHttpHeaders, cookieName: string): { token: string | null; via: 'query' | 'header' | 'cookie' | null } {
  const fromQuery = query.get('token');
  if (fromQuery !== null) return { token: fromQuery, via: 'query' };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (bearer) return { token: bearer[1]!, via: 'header' };
  const fromCookie = readCookie(headers.cookie, cookieName);
  return fromCookie === null ? { token: null, via: null } : { token: fromCookie, via: 'cookie' };
}

/**
 * The Host headers a page of ours sends: the address served and localhost, with the port. A page
 * of another site that rebinds its name to 127.0.0.1 sends its own name, and is refused.
 */
export function localHostHeaders(host: string, port: number): string[] {
  const shown = host.includes(':') ? `[${host}]` : host;
  return [`${shown}:${port}`, `localhost:${port}`];
}

export function isAllowedHost(header: string | undefined, allowed: readonly string[]): boolean {
  return allowed.includes(header?.toLowerCase() ?? '');
}

/** Cookies are shared by every port of a host: one per port, so two dashboards do not log each other out. */
export function cookieNameFor(port: number): string {
  return `cw_dashboard_${port}`;
}

/** Kept by the browser after the first page load so the page's own requests (EventSource has no headers) carry it. */
export function tokenCookie(name: string, token: string): string {
  return `${name}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
