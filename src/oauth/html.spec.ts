import { escapeHtml, html } from './html';

describe('html templates', () => {
  it('escapes every interpolated value, so a client name cannot inject markup', () => {
    const name = `"><script>alert('x')</script>&`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</p>',
    );
  });

  it('keeps nested templates as markup and joins arrays; leaves out undefined, null and false', () => {
    const items = ['a<b', 'c'].map((s) => html`<li>${s}</li>`);
    expect(html`<ul>${items}</ul>${undefined}${null}${false}`.value).toBe(
      '<ul><li>a&lt;b</li><li>c</li></ul>',
    );
    expect(escapeHtml(0)).toBe('0');
  });
});
