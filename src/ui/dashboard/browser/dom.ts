/** The page's elements by id. The page and this script ship together, so a missing one is a bug. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (node === null) throw new Error(`the page has no #${id}`);
  return node as T;
}

type Attribute = string | number | null | undefined;
/** Set through the CSSOM: the page's policy refuses style attributes. */
type Style = Partial<Pick<CSSStyleDeclaration, 'width' | 'left'>>;

export interface Props {
  /** Goes in as text, never as HTML. */
  text?: Attribute;
  className?: string;
  style?: Style;
  [attribute: string]: Attribute | Style;
}

export type Child = Node | string | null | undefined;

/** Builds an element; text goes in as text, never as HTML. Null and undefined are left out. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props | null = null, children: readonly Child[] = []): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  const { text, className, style, ...attributes } = props ?? {};
  if (text !== null && text !== undefined) node.textContent = String(text);
  if (className) node.className = className;
  if (style) Object.assign(node.style, style);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && typeof value !== 'object') node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

export function clear<T extends Node>(node: T): T {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

/** A figure and what it counts, as the page's `.figures` rows show them. */
export function figure(value: Child, label: string): HTMLDivElement {
  return el('div', { className: 'figure' }, [el('b', null, [value]), el('span', { text: label })]);
}

export function statusBadge(status: string): HTMLSpanElement {
  return el('span', { className: `status status-${status}`, text: status });
}
