/** Method and path to a handler, with `:name` segments as parameters. Nothing else: no middleware. */

export type RouteMatch<H> =
  | { kind: 'found'; handler: H; params: Record<string, string> }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed'; allow: string[] };

export interface Router<H> {
  add(method: string, pattern: string, handler: H): Router<H>;
  match(method: string, pathname: string): RouteMatch<H>;
}

interface Route<H> {
  method: string;
  segments: string[];
  handler: H;
}

export function createRouter<H>(): Router<H> {
  const routes: Route<H>[] = [];
  const router: Router<H> = {
    add(method, pattern, handler) {
      routes.push({ method: method.toUpperCase(), segments: splitPath(pattern), handler });
      return router;
    },
    match(method, pathname) {
      const segments = splitPath(pathname);
      const wanted = method.toUpperCase();
      const allow: string[] = [];
      for (const route of routes) {
        const params = matchSegments(route.segments, segments);
        if (params === null) continue;
        // HEAD is GET without a body, as HTTP has it.
        if (route.method === wanted || (wanted === 'HEAD' && route.method === 'GET')) return { kind: 'found', handler: route.handler, params };
        allow.push(route.method);
      }
      return allow.length > 0 ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
    },
  };
  return router;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: readonly string[], actual: readonly string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index += 1) {
    const expected = pattern[index]!;
    const given = actual[index]!;
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(given);
      } catch {
        return null;
      }
    } else if (expected !== given) {
      return null;
    }
  }
  return params;
}
