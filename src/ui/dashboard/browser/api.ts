import type { DashboardData } from '../data-source.js';

/** What the endpoints answer: the server's DashboardData, as JSON. */
export type Live = ReturnType<DashboardData['live']>;
export type Session = ReturnType<DashboardData['sessions']>[number];
export type SessionDetail = NonNullable<ReturnType<DashboardData['session']>>;
export type Stats = ReturnType<DashboardData['stats']>;
export type Blocks = ReturnType<DashboardData['blocks']>;

/** The page's own API, with the cookie the page keeps. */
export async function api<T>(path: string): Promise<T> {
  const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The charts are drawn and escaped by the server (svg-chart.ts); they come from our own origin only. */
export async function fetchChart(path: string): Promise<Element> {
  const response = await fetch(path, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  const root = new DOMParser().parseFromString(await response.text(), 'image/svg+xml').documentElement;
  if (root.nodeName !== 'svg') throw new Error(`${path}: not an SVG`);
  return document.importNode(root, true);
}
