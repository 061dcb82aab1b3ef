/**
 * Checks that run inside the page. They are JavaScript source, not TypeScript functions: the
 * tests are compiled without the DOM's types, which only the browser code (ui/) has.
 */

/** How far the page is wider than the window, in CSS pixels (0 or less: it fits). */
export const SIDEWAYS_OVERFLOW =
  'document.documentElement.scrollWidth - document.documentElement.clientWidth';

/** Form controls with neither a <label> nor an aria-label, as HTML. */
export const UNLABELLED_CONTROLS = `[...document.querySelectorAll('input, select, textarea')]
  .filter((c) => c.labels.length === 0 && !c.getAttribute('aria-label'))
  .map((c) => c.outerHTML)`;

/**
 * The contrast ratio (WCAG 2) of the text of up to five elements of each kind against the
 * first opaque background behind it: [{ selector, ratio }].
 */
export const TEXT_CONTRASTS = `(() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) ?? []).slice(0, 3).map(Number);
  const luminance = (channels) => {
    const [r, g, b] = channels.map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const background = (element) => {
    for (let e = element; e !== null; e = e.parentElement) {
      const color = getComputedStyle(e).backgroundColor;
      if (color !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(color)) return rgb(color);
    }
    return [255, 255, 255];
  };
  const selectors = [
    '.badge', '.headline', '.meta', '.hint', '.summary', '.reason', '.kpi-value', '.top nav a',
    'label', 'a', 'button', 'th', 'td', 'summary', 'code', '.ok', '.problem',
  ];
  return selectors.flatMap((selector) =>
    [...document.querySelectorAll(selector)].slice(0, 5).map((element) => {
      const a = luminance(rgb(getComputedStyle(element).color));
      const b = luminance(background(element));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      return { selector, ratio: Math.round(ratio * 10) / 10 };
    }),
  );
})()`;
