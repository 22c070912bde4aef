"""The HTML walkthrough: one self-contained, script-free page whose prose is escaped.

Most tests render a small hand-made `Document` that holds every kind of block
(paragraphs with a note, a 2-2-2 network figure, an equation with continuation
rows, a table) and prose written to break out of HTML. The page is read back
with the standard library's HTML parser, so the assertions are about the
elements a browser would build, not about how the template happens to space
its markup. The last test renders the real walkthrough of the seed example.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from explainer.output.render import mathml, render, tidy_mathml
from explainer.walkthrough import layout
from explainer.walkthrough.document import (
    Document,
    Equation,
    FigureEdge,
    FigureNeuron,
    Math,
    NetworkFigure,
    Paragraph,
    Row,
    Section,
    Table,
    Text,
)

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
HOSTILE = f"Names like {SCRIPT} and {BREAKOUT} & co stay text."


def network_figure() -> NetworkFigure:
    """A 2-2-2 network drawn like the seed example."""
    neurons = (
        FigureNeuron("x1", "x_{1}", 0, 0, value="x_{1} = 2"),
        FigureNeuron("x2", "x_{2}", 0, 1, value="x_{2} = 3"),
        FigureNeuron("h1", "h_{1}", 1, 0, bias="b_{1} = 0.25"),
        FigureNeuron("h2", "h_{2}", 1, 1, bias="b_{2} = 0.45"),
        FigureNeuron("L1", "L_{1}", 2, 0, bias="b_{3} = 0.15"),
        FigureNeuron("L2", "L_{2}", 2, 1, bias="b_{4} = 0.35"),
    )
    weights = ("0.3", "0.2", "-0.4", "0.6", "0.7", "-0.3", "0.5", "-0.1")
    pairs = [("x1", "h1"), ("x1", "h2"), ("x2", "h1"), ("x2", "h2"),
             ("h1", "L1"), ("h1", "L2"), ("h2", "L1"), ("h2", "L2")]
    edges = tuple(FigureEdge(s, t, f"w_{{{i}}} = {w}")
                  for i, ((s, t), w) in enumerate(zip(pairs, weights, strict=True), start=1))
    return layout.network_figure(neurons, edges, (Text(f"The network. {BREAKOUT}"),))


EQUATION = Equation((
    Row(r"\frac{\partial C}{\partial w_{5}}", "=",
        r"\frac{\partial i_{L_1}}{\partial w_{5}} \cdot \frac{\partial o_{L_1}}{\partial i_{L_1}}"
        r" \cdot \frac{\partial C}{\partial o_{L_1}}"),
    Row("", "=", r"0.413382 \cdot 0.204947 \cdot \left(-0.575485\right)"),
    Row("", r"\approx", "-0.0487559"),
))

TABLE = Table(
    header=(Text("Parameter"), Text("Before"), Math(r"\partial C / \partial p")),
    rows=((Math("w_{1}"), Math("0.3"), Math("-0.0641679")),
          (Text(SCRIPT), Math("0.2"), Math("-0.00931344"))),
    align="lrr",
    caption=f"Before and after. {SCRIPT}",
)


def sample_document() -> Document:
    return Document(
        title=f"A <b>step</b> {SCRIPT}",
        subtitle=BREAKOUT,
        summary=(("Learning rate η", "0.1"), ("Hostile", SCRIPT)),
        sections=(
            Section("The network", "network", (
                Paragraph((Text("Every neuron applies "), Math(r"\sigma(z) = \frac{1}{1+e^{-z}}"),
                           Text(", the "), Text("sigmoid", strong=True), Text("."))),
                network_figure(),
                Paragraph((Text(HOSTILE),)),
            )),
            Section(f"Backward pass {SCRIPT}", "backward-pass", (
                Paragraph((Text("The chain rule gives"),)),
                EQUATION,
                Paragraph((Text("A remark: the factor 2 comes from the square."),), note=True),
            )),
            Section("The last layer", "last-layer", (TABLE,), level=2),
        ),
    )


class Page(HTMLParser):
    """The elements and text of a page, as a browser's tokenizer sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def tags(self, name: str) -> list[dict[str, str | None]]:
        return [attrs for tag, attrs in self.elements if tag == name]

    def with_class(self, tag: str, cls: str) -> list[dict[str, str | None]]:
        return [a for a in self.tags(tag) if cls in (a.get("class") or "").split()]


@pytest.fixture(scope="module")
def html() -> str:
    return render(sample_document(), "html")


@pytest.fixture(scope="module")
def page(html) -> Page:
    return Page(html)


def test_exactly_one_document(html, page):
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert html.lower().count("<!doctype") == 1
    assert html.lower().count("</html>") == 1
    for tag in ("html", "head", "body", "main"):
        assert len(page.tags(tag)) == 1, tag
    head = html[: html.index("</head>")]
    assert head.count("<title>") == 1  # (circles in the figure carry SVG <title>s of their own)
    assert page.tags("meta")[0] == {"charset": "utf-8"}


def test_no_script_at_all(html, page):
    assert "<script" not in html.lower()
    assert not page.tags("script")
    assert not any(name.startswith("on") for _, attrs in page.elements for name in attrs)
    assert "javascript:" not in html.lower()


def test_no_external_resources(html, page):
    """Nothing on the page may fetch anything: no links, images, frames or remote CSS."""
    for tag in ("link", "img", "iframe", "object", "embed", "video", "audio", "source"):
        assert not page.tags(tag), tag
    for tag, attrs in page.elements:
        for name in ("src", "srcset", "href", "xlink:href", "action", "poster", "data"):
            if name not in attrs:
                continue
            value = (attrs[name] or "").strip()
            assert not re.match(r"(?i)(https?:)?//", value), (tag, name, value)
            if name in ("href", "xlink:href"):
                assert value.startswith("#"), (tag, value)  # in-page links only
    assert not re.search(r"(?i)\b(src|href)\s*=\s*['\"]?\s*(https?:)?//", html)
    assert "@import" not in html
    assert not re.search(r"(?i)url\(\s*['\"]?\s*(https?:|//)", html)


def test_hostile_prose_is_escaped(html, page):
    # The raw markup never reaches the page ...
    assert SCRIPT not in html
    assert BREAKOUT not in html
    assert "<b>" not in html
    assert not page.tags("img") and not page.tags("b")
    # ... but reads exactly as written, wherever prose appears.
    text = "".join(page.text)
    for written in (HOSTILE, f"A <b>step</b> {SCRIPT}", BREAKOUT, f"Backward pass {SCRIPT}",
                    f"Before and after. {SCRIPT}", f"The network. {BREAKOUT}"):
        assert written in text, written


def test_math_is_mathml(html, page):
    doc = sample_document()
    figure = doc.sections[0].blocks[1]
    expected = (
        1  # inline math in the first paragraph
        + sum(1 + bool(r.lhs) + 1 for r in EQUATION.rows)  # lhs (if any), relation, rhs
        + sum(isinstance(c, Math) for c in (*TABLE.header, *(c for r in TABLE.rows for c in r)))
        + sum(bool(n.label) + bool(n.bias) + bool(n.value) for n in figure.neurons)
        + len(figure.edges)
    )
    assert len(page.tags("math")) == expected
    assert "\\frac" not in html and "\\partial" not in html  # no LaTeX leaks as text
    assert len(page.tags("mfrac")) >= 4


def test_equation_rows_align_in_three_columns(page):
    assert len(page.with_class("div", "eq-grid")) == 1
    lhs, rel, rhs = (page.with_class("div", c) for c in ("eq-lhs", "eq-rel", "eq-rhs"))
    assert len(lhs) == len(rel) == len(rhs) == len(EQUATION.rows)


def test_table_alignment_and_caption(page):
    assert [a["class"] for a in page.tags("th")] == ["align-l", "align-r", "align-r"]
    assert [a["class"] for a in page.tags("td")][:3] == ["align-l", "align-r", "align-r"]
    assert len(page.tags("figcaption")) == 2  # the table's and the figure's


def test_note_and_strong(page):
    assert len(page.with_class("div", "note")) == 1
    assert len(page.tags("strong")) == 1


def test_sections_have_anchors_and_contents_links(page):
    doc = sample_document()
    ids = [a["id"] for _, a in page.elements if a.get("id")]
    assert len(ids) == len(set(ids)), Counter(ids).most_common(3)
    links = {a["href"] for a in page.tags("a")}
    for section in doc.sections:
        assert section.anchor in ids
        assert f"#{section.anchor}" in links
    assert len(page.tags("h2")) == 1 + 2  # "Contents" and two level-1 sections
    assert len(page.tags("h3")) == 1


def test_figure_is_inline_svg_with_one_circle_per_neuron(page):
    figure = network_figure()
    assert len(page.tags("svg")) == 1
    circles = page.with_class("circle", "neuron")
    assert len(page.tags("circle")) == len(circles) == len(figure.neurons)
    assert len(page.with_class("line", "edge")) == len(figure.edges)
    markers = {a["id"] for a in page.tags("marker")}
    assert {a["marker-end"] for a in page.with_class("line", "edge")} == {
        f"url(#{m})" for m in markers
    }
    # y grows upwards in the figure and downwards in SVG: the x1 row (y = 2.5) is drawn higher.
    x1, x2 = circles[0], circles[1]
    assert float(x1["cx"]) == float(x2["cx"])
    assert float(x1["cy"]) < float(x2["cy"])
    # Input layers are classed for styling, and every label is a foreignObject with MathML.
    assert [c["class"] for c in circles].count("neuron input") == 2
    labels = sum(bool(n.label) + bool(n.bias) + bool(n.value) for n in figure.neurons)
    assert len(page.tags("foreignobject")) == labels + len(figure.edges)


# Each fix in tidy_mathml answers something latex2mathml still writes (the first
# assertion of each test: when it fails, latex2mathml has changed and the fix may
# be dropped); tests/output/test_browser.py shows that each changes what Chromium draws.


def test_a_sign_after_an_operator_or_bracket_is_a_prefix_sign():
    raw = str(mathml("w_{3} = -0.4"))
    assert "<mo>&#x0003D;</mo><mo>&#x02212;</mo><mn>0.4</mn>" in raw  # an infix minus, spaced as a - b
    assert 'form="prefix">&#x02212;' in tidy_mathml(raw)
    assert 'form="prefix">&#x02212;' in tidy_mathml(mathml("2 + (-0.4)"))
    assert 'form="prefix">&#x0002B;' in tidy_mathml(mathml(r"x \approx +0.5"))
    # A subtraction stays one, also after each closing bracket latex2mathml writes as an <mo>
    # (softmax's derivative has [k = j] - o_{j}; the sigmoid's \bigr) before a minus).
    for binary in ("a - b", "(a) - b", "x_{1} - 0.5", "[k = j] - o_{j}", r"\bigl(a\bigr) - b",
                   "|x| - 1", r"\bigl|a\bigr| - 1", "n! - 1", r"\{a\} - b", r"\|x\| - 1"):
        assert "prefix" not in tidy_mathml(mathml(binary)), binary


def test_fences_around_flat_content_do_not_stretch():
    raw = str(mathml(r"2 \cdot \left(0.7 + \left(-0.1\right)\right)"))
    assert raw.count('<mo stretchy="true" fence="true"') == 4
    flat = tidy_mathml(raw)
    assert 'stretchy="true"' not in flat and flat.count('stretchy="false" fence="true"') == 4
    # A fraction inside needs the fences to grow: they stay stretchy, and so do those
    # around them, but a flat pair inside a tall one still does not stretch.
    assert tidy_mathml(mathml(r"\left(\frac{1}{2}\right)")) == mathml(r"\left(\frac{1}{2}\right)")
    mixed = tidy_mathml(mathml(r"\left(\frac{1}{2} + \left(x\right)\right)"))
    assert mixed.count('stretchy="true"') == 2 and mixed.count('stretchy="false" fence="true"') == 2


def test_fixed_size_fences_are_drawn_at_their_size():
    raw = str(mathml(r"\sigma(i)\bigl(1 - \sigma(i)\bigr)"))
    assert raw.count('<mo stretchy="true" fence="true" minsize="1.2em" maxsize="1.2em">') == 2
    big = tidy_mathml(raw)
    assert 'stretchy="true"' not in big
    assert big.count('<mo stretchy="false" fence="true" mathsize="1.2em">') == 2


def test_real_walkthrough_renders(seed):
    """The seed example's walkthrough: every section reachable, a figure, nothing external."""
    from explainer.walkthrough.build import build

    doc = build(seed)
    html = render(doc, "html")
    page = Page(html)
    ids = {a["id"] for _, a in page.elements if a.get("id")}
    assert all(section.anchor in ids for section in doc.sections)
    assert "<script" not in html.lower()
    assert all((a.get("href") or "#").startswith("#") for _, a in page.elements)
    figures = [b for s in doc.sections for b in s.blocks if isinstance(b, NetworkFigure)]
    networks = [t for t in page.tags("svg") if t.get("class") == "network-svg"]
    assert len(networks) == len(figures) >= 1
    neurons = [t for t in page.tags("circle") if t.get("class", "").startswith("neuron")]
    assert len(neurons) == sum(len(f.neurons) for f in figures)
    assert [t.get("class") for t in page.tags("svg")].count("landscape-svg") == 1
