"""Article bodies: Markdown in, sanitized HTML out."""

import pytest

from content.markdown import render_markdown
from tests.factories import ArticleFactory

HOSTILE = [
    ("<script>alert(1)</script>", ["<script", "alert(1)"]),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", ["<script", "evil.example"]),
    ("[click](javascript:alert(1))", ["javascript:"]),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', ["javascript:"]),
    ("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", ["data:"]),
    ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', ["data:"]),
    ('<img src=x onerror="alert(1)">', ["onerror"]),
    ('<p onclick="alert(1)" onmouseover=alert(2)>hi</p>', ["onclick", "onmouseover"]),
    ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil.example"]),
    ("<style>body{display:none}</style>", ["<style", "display:none"]),
    ('<div style="background:url(javascript:alert(1))">x</div>', ["style=", "javascript:"]),
    ("<svg onload=alert(1)><circle/></svg>", ["<svg", "onload"]),
    ("<math><mtext><script>alert(1)</script></mtext></math>", ["<math", "<script"]),
    ('<form action="https://evil.example"><input name=x></form>', ["<form", "<input"]),
    ("<object data=x.swf></object><embed src=x.swf>", ["<object", "<embed"]),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example">', ["<meta", "refresh"]),
    ("<base href=https://evil.example/>", ["<base"]),
    ("<!-- <script>alert(1)</script> -->", ["<!--", "<script"]),
    ('<a href="https://e.example" target="_blank">x</a>', ["target="]),
]


@pytest.mark.parametrize(("markdown", "forbidden"), HOSTILE)
def test_hostile_markup_is_removed(markdown, forbidden):
    html = render_markdown(markdown).lower()
    for fragment in forbidden:
        assert fragment.lower() not in html


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("**bold** and *italic*", "<strong>bold</strong> and <em>italic</em>"),
        ("# Top heading", "<h2>Top heading</h2>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("`code`", "<code>code</code>"),
        ("```\nx = 1\n```", "<pre><code>x = 1\n</code></pre>"),
        (
            "[link](https://example.com)",
            '<a href="https://example.com" rel="noopener noreferrer nofollow">link</a>',
        ),
        (
            "![a cat](https://example.com/cat.png)",
            '<img alt="a cat" src="https://example.com/cat.png">',
        ),
        ("| a |\n|---|\n| 1 |", "<td>1</td>"),
    ],
)
def test_safe_formatting_is_kept(markdown, expected):
    assert expected in render_markdown(markdown)


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("# A\n\n## B\n\n### C", "<h2>A</h2>\n<h3>B</h3>\n<h4>C</h4>"),
        ("## A\n\n### B", "<h2>A</h2>\n<h3>B</h3>"),
        ("### A\n\n#### B", "<h2>A</h2>\n<h3>B</h3>"),
        ("# A\n\n###### F", "<h2>A</h2>\n<h6>F</h6>"),
    ],
)
def test_the_bodys_outline_starts_at_h2_under_the_page_title(markdown, expected):
    assert render_markdown(markdown) == expected


def test_heading_like_text_in_code_is_left_alone():
    html = render_markdown("## Real\n\n    <h1>in code</h1>")
    assert "<h2>Real</h2>" in html
    assert "&lt;h1&gt;in code&lt;/h1&gt;" in html


def test_text_that_looks_like_markup_is_escaped_not_dropped():
    assert "1 &lt; 2" in render_markdown("1 < 2")


@pytest.mark.django_db
def test_an_article_stores_its_rendered_body_on_save():
    article = ArticleFactory(body="Hello <script>alert(1)</script>**world**")
    assert article.body_html == "<p>Hello <strong>world</strong></p>"

    article.body = "Changed"
    article.save(update_fields=["body"])
    article.refresh_from_db()
    assert article.body_html == "<p>Changed</p>"
