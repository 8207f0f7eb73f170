import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../src/webview/markdown";

describe("renderMarkdown", () => {
  it("escapes HTML from the model", () => {
    expect(renderMarkdown("<img src=x onerror=alert(1)>")).toBe("<p>&lt;img src=x onerror=alert(1)&gt;</p>");
  });
  it("renders fences, inline code, emphasis and links", () => {
    const html = renderMarkdown("Use `y = 3` **now**, *please*.\n\n```python\nif a < b:\n    pass\n```\nSee [docs](https://example.com).");
    expect(html).toContain("<code>y = 3</code>");
    expect(html).toContain("<strong>now</strong>");
    expect(html).toContain("<em>please</em>");
    expect(html).toContain('<pre><code class="language-python">if a &lt; b:\n    pass</code></pre>');
    expect(html).toContain('<a href="https://example.com">docs</a>');
  });
  it("renders lists and headings", () => {
    expect(renderMarkdown("# Plan\n- one\n- two\n1. first")).toBe("<h3>Plan</h3>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<ol>\n<li>first</li>\n</ol>");
  });
  it("keeps a half-streamed fence readable", () => {
    expect(renderMarkdown("Here:\n```js\nlet a = 1")).toContain("<pre><code class=\"language-js\">let a = 1</code></pre>");
  });
  it("does not turn javascript: links into anchors", () => {
    expect(renderMarkdown("[x](javascript:alert(1))")).not.toContain("<a");
  });
});
