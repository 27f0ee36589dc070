import { describe, expect, it } from 'vitest';
import { adaptDesignSystemCss, CHART_CSS, designSystemCss } from './stylesheet.js';

describe('the design system stylesheet as served', () => {
  it('loads nothing from another origin and points icons at our copy of the assets', () => {
    const css = designSystemCss();
    expect(css).not.toMatch(/@font-face|https?:\/\//);
    expect(css).not.toMatch(/url\(\/assets\/images\//);
    expect(css).toMatch(/url\(\/assets\/nhsuk\/images\/nhsuk-icon-[a-z-]+\.svg\)/);
  });

  it('keeps every other rule', () => {
    expect(adaptDesignSystemCss('@font-face{font-family:X;src:url(https://x/y.woff)}.a{color:red}')).toBe(
      '.a{color:red}',
    );
  });

  it("ends with Accord's rules for its charts", () => {
    expect(designSystemCss().endsWith(CHART_CSS)).toBe(true);
  });
});
