/**
 * Building the page from data. Text is always set as text (never parsed as HTML), so nothing
 * a feed item, a comment or a payload says can become markup or script.
 */

export type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined;
export type Attrs = Record<string, AttrValue | ((event: Event) => void)>;

function apply(element: Element, attrs: Attrs | undefined): void {
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (typeof value === 'function') {
      element.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, String(value));
    }
  }
}

function append(parent: Node, children: readonly (Child | readonly Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** An HTML element: `h('button', { type: 'button', onclick: go }, 'Go')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: (Child | readonly Child[])[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  apply(element, attrs);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element: `s('circle', { cx: 1, cy: 1, r: 2 })`. */
export function s<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: (Child | readonly Child[])[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  apply(element, attrs);
  append(element, children);
  return element;
}

/** Replaces an element's children. */
export function replace(parent: Element, ...children: (Child | readonly Child[])[]): void {
  parent.replaceChildren();
  append(parent, children);
}

let ids = 0;
/** A fresh id for `aria-labelledby`, `for` and the like. */
export function uid(prefix: string): string {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** Says something to screen readers through the page's polite live region. */
export function announce(text: string): void {
  const region = document.getElementById('announcer');
  if (region === null) return;
  region.textContent = '';
  // A change on the next frame is announced even when the text is the same as before.
  requestAnimationFrame(() => {
    region.textContent = text;
  });
}

/** A labelled select: `[label, select]`, the options given as `[value, text]`. */
export function labelledSelect(
  label: string,
  options: readonly (readonly [string, string])[],
  value: string,
  onChange: (value: string) => void,
): HTMLElement {
  const id = uid('select');
  const select = h(
    'select',
    { id, onchange: () => onChange(select.value) },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );
  return h('div', { class: 'field' }, h('label', { for: id }, label), select);
}

/** A labelled checkbox; `onChange` gets whether it is checked. */
export function checkbox(
  label: string,
  checked: boolean,
  onChange: (checked: boolean) => void,
): HTMLElement {
  const id = uid('check');
  return h(
    'span',
    { class: 'check' },
    h('input', {
      type: 'checkbox',
      id,
      checked,
      onchange: (event) => onChange((event.target as HTMLInputElement).checked),
    }),
    h('label', { for: id }, label),
  );
}

/**
 * A table in a region of its own that scrolls sideways when it is wider than the page (and
 * takes the focus, so it scrolls from the keyboard too). With `rowHeaders`, each row's first
 * cell heads the row.
 */
export function dataTable(
  label: string,
  columns: readonly string[],
  rows: readonly (readonly Child[])[],
  options: { readonly className?: string; readonly rowHeaders?: boolean } = {},
): HTMLElement {
  const cell = (child: Child, index: number) =>
    index === 0 && options.rowHeaders === true
      ? h('th', { scope: 'row' }, child)
      : h('td', {}, child);
  return h(
    'div',
    { class: 'table-scroll', tabindex: 0, role: 'region', 'aria-label': label },
    h(
      'table',
      { class: options.className },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c) => h('th', { scope: 'col' }, c)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) => h('tr', {}, row.map(cell))),
      ),
    ),
  );
}

/** A message in place of content that could not be loaded. */
export function problemBox(error: unknown): HTMLElement {
  const text = error instanceof Error ? error.message : String(error);
  return h('p', { class: 'problem', role: 'alert' }, text);
}
