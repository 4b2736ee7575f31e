import { describe, expect, it } from 'vitest';
import { cookieNameFor, createToken, requestToken, tokenCookie, tokensMatch } from '../../src/ui/dashboard/auth.js';
import { createRouter } from '../../src/ui/dashboard/router.js';

describe('dashboard tokens', () => {
  it('are 256 random bits, URL-safe, new each time', () => {
    const token = createToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(createToken()).not.toBe(token);
  });

  it('match only exactly, whatever the length of what is given', () => {
    const token = createToken();
    expect(tokensMatch(token, token)).toBe(true);
    expect(tokensMatch(token, `${token}x`)).toBe(false);
    expect(tokensMatch(token, token.slice(0, -1))).toBe(false);
    expect(tokensMatch(token, token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase())).toBe(false);
    expect(tokensMatch(token, '')).toBe(false);
    expect(tokensMatch(token, null)).toBe(false);
  });

  it('are taken from the query, else a Bearer header, else the port’s cookie', () => {
    const cookie = cookieNameFor(7879);
    expect(requestToken(new URLSearchParams('token=q'), { authorization: 'Bearer h', cookie: `${cookie}=c` }, cookie)).toEqual({ token: 'q', via: 'query' });
    expect(requestToken(new URLSearchParams(), { authorization: 'bearer  h ', cookie: `${cookie}=c` }, cookie)).toEqual({ token: 'h', via: 'header' });
    expect(requestToken(new URLSearchParams(), { authorization: 'Basic eDp5', cookie: `other=1; ${cookie}=c` }, cookie)).toEqual({ token: 'c', via: 'cookie' });
    expect(requestToken(new URLSearchParams(), { cookie: `${cookieNameFor(7880)}=c` }, cookie)).toEqual({ token: null, via: null });
  });

  it('are kept in a cookie scripts cannot read and other sites cannot send', () => {
    expect(tokenCookie('cw_dashboard_7879', 'abc')).toBe('cw_dashboard_7879=abc; Path=/; HttpOnly; SameSite=Strict');
  });
});

describe('createRouter', () => {
  const router = createRouter<string>().add('GET', '/', 'page').add('GET', '/api/sessions', 'list').add('GET', '/api/sessions/:id', 'one').add('POST', '/api/things', 'post');

  it('matches exact paths and named segments, decoded', () => {
    expect(router.match('GET', '/')).toEqual({ kind: 'found', handler: 'page', params: {} });
    expect(router.match('GET', '/api/sessions/')).toEqual({ kind: 'found', handler: 'list', params: {} });
    expect(router.match('GET', '/api/sessions/a%20b')).toEqual({ kind: 'found', handler: 'one', params: { id: 'a b' } });
    expect(router.match('HEAD', '/api/sessions/x')).toMatchObject({ kind: 'found', handler: 'one' });
  });

  it('tells an unknown path from a method the path does not take', () => {
    expect(router.match('GET', '/api/sessions/x/y')).toEqual({ kind: 'not-found' });
    expect(router.match('GET', '/api/sessions/%E0%A4%A')).toEqual({ kind: 'not-found' });
    expect(router.match('DELETE', '/api/sessions/x')).toEqual({ kind: 'method-not-allowed', allow: ['GET'] });
    expect(router.match('GET', '/api/things')).toEqual({ kind: 'method-not-allowed', allow: ['POST'] });
  });
});
