"""The HTML walkthrough in a real browser: the math is laid out, and nothing is fetched from the network.

Headless Chromium opens the seed walkthrough from disk. A small script, added to
a copy of the page, measures every <math> element as the browser laid it out and
writes the result into the page, which ``--dump-dom`` prints. Chromium's network
log shows every request the page made; a planted external image proves that the
log would show one. A screenshot of the untouched page is saved for a person to
look at (in the test's temporary directory).
"""

from __future__ import annotations

import html
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from explainer import examples
from explainer.cli.command import main
from explainer.exercise.generate import Options, generate
from explainer.output.render import mathml, render, tidy_mathml
from explainer.pipeline import explain as explain_step
from explainer.walkthrough.build import build
from tests.drawing import Drawn, problems

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

TIMEOUT = 60  # seconds for one browser run
LOCAL_SCHEMES = ("file", "data", "about", "chrome", "blob")
# Measures what the browser drew: every <math> element's box, and every fraction's
# numerator above its denominator (which only a MathML layout engine does; an
# engine that ignored MathML would run them together on one line).
PROBE = """<script>
(() => {
  const box = e => e.getBoundingClientRect();
  const maths = [...document.querySelectorAll("math")];
  const probe = document.createElement("pre");
  probe.id = "probe";
  probe.textContent = JSON.stringify({
    mathml: typeof MathMLElement !== "undefined" && maths.every(m => m instanceof MathMLElement),
    math: maths.map(m => ({width: box(m).width, height: box(m).height,
                           display: m.getAttribute("display") === "block"})),
    stacked: [...document.querySelectorAll("mfrac")].map(
      f => box(f.children[0]).bottom <= box(f.children[1]).top + 1),
  });
  document.body.append(probe);
})();
</script>
"""


def chromium(page: Path, workdir: Path, *options: str) -> subprocess.CompletedProcess:
    """Open `page` in headless Chromium with a fresh profile; host names resolve to nothing,
    so even a faulty page cannot reach the network (its attempts still show in the net log)."""
    profile = workdir / f"profile-{len(list(workdir.glob('profile-*')))}"
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
               f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND", *options,
               page.resolve().as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=True)


def page_requests(net_log: Path) -> list[str]:
    """The URLs of the requests the page made, from Chromium's network log.

    Chromium also talks to Google on its own behalf (component updates, account
    checks), with no page as initiator ("not an origin"); those are not the page's.
    """
    events = json.loads(net_log.read_text(encoding="utf-8"))["events"]
    def from_page(params: dict) -> bool:
        return (params.get("initiator", "not an origin") != "not an origin"
                or "file://" in params.get("network_isolation_key", ""))

    return [e["params"]["url"] for e in events if "url" in e.get("params", {}) and from_page(e["params"])]


def leaving(urls: list[str]) -> list[str]:
    return [u for u in urls if u.split(":", 1)[0].lower() not in LOCAL_SCHEMES]


def probed(page: Path, workdir: Path) -> tuple[dict, list[str]]:
    """Open a copy of `page` with the probe; (the probe's measurements, the page's requests)."""
    copy = workdir / f"probed-{page.name}"
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    net_log = workdir / f"{copy.stem}-net.json"
    result = chromium(copy, workdir, "--virtual-time-budget=5000", "--dump-dom",
                      f"--log-net-log={net_log}", "--net-log-capture-mode=Everything")
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.DOTALL)
    assert found, "the probe did not run: " + result.stderr[-500:]
    return json.loads(html.unescape(found.group(1))), page_requests(net_log)


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser")
    assert main(["explain", str(examples.seed_spec()), "--format", "html", "-o", str(out)]) == 0
    return out / "article.html"


@pytest.fixture(scope="module")
def seed_in_browser(seed_page) -> tuple[dict, list[str]]:
    return probed(seed_page, seed_page.parent)


def test_the_math_is_laid_out_as_mathml(seed_in_browser):
    probe, _ = seed_in_browser
    assert probe["mathml"], "Chromium did not treat <math> as MathML"
    math = probe["math"]
    assert len(math) > 100
    drawn = [m for m in math if m["width"] > 0 and m["height"] > 0]
    assert len(drawn) >= 0.95 * len(math)
    displayed = [m for m in math if m["display"]]
    assert displayed and all(m["width"] > 0 and m["height"] > 0 for m in displayed)
    assert probe["stacked"] and all(probe["stacked"]), "some fraction is not drawn as a fraction"


def test_no_request_leaves_the_machine(seed_page, seed_in_browser):
    _, requests = seed_in_browser
    assert leaving(requests) == []
    # Stronger than one browser run: nothing in the page points outside it.
    source = seed_page.read_text(encoding="utf-8")
    assert not re.search(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", source, re.IGNORECASE)
    assert not re.search(r"""url\(\s*["']?\s*(?:https?:)?//|@import""", source, re.IGNORECASE)


def test_the_network_check_catches_a_planted_request(seed_page, tmp_path):
    planted = tmp_path / "planted.html"
    source = seed_page.read_text(encoding="utf-8")
    planted.write_text(source.replace("<main>", '<main><img src="http://example.com/x.png" alt="">', 1),
                       encoding="utf-8")
    _, requests = probed(planted, tmp_path)
    assert set(leaving(requests)) == {"http://example.com/x.png"}


def test_screenshot(seed_page):
    shot = seed_page.parent / "walkthrough.png"
    chromium(seed_page, seed_page.parent, f"--screenshot={shot}", "--window-size=1200,3000")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 3000)
    assert len(data) > 100_000  # a page of text, math and a figure, not a blank image


# One formula per fix in explainer.output.render.tidy_mathml, each touched by that fix alone.
MATHML_FIXES = {
    "a sign after an operator is a prefix sign": r"w_{3} = -0.4",
    "fences around flat content do not stretch": r"2 \cdot \left(0.7 + x\right)",
    "a \\bigl fence is drawn at its size": r"\sigma(i)\bigl(1 - \sigma(i)\bigr)",
    "a solidus is set without space": r"C / o",
    "a partial sign is set without space": r"2 \partial C",
}


def test_each_mathml_fix_still_changes_what_chromium_draws(tmp_path):
    """latex2mathml's own output beside the tidied one: each fix makes the formula narrower,
    by the space Chromium puts around a binary minus or inside a stretchy fence that does
    not stretch. Should a fix stop making a difference, it is no longer needed."""
    pairs = "".join(f"<p>{mathml(latex)} {tidy_mathml(mathml(latex))}</p>" for latex in MATHML_FIXES.values())
    page = tmp_path / "fixes.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><style>math { font-family: '
                    f'"Latin Modern Math", math; font-size: 24px; }}</style></head><body>{pairs}</body></html>',
                    encoding="utf-8")
    probe, _ = probed(page, tmp_path)
    widths = [m["width"] for m in probe["math"]]
    for n, fix in enumerate(MATHML_FIXES):
        raw, tidied = widths[2 * n], widths[2 * n + 1]
        assert tidied < raw - 3, f"{fix}: {raw:.1f} px as latex2mathml writes it, {tidied:.1f} px tidied"


# What Chromium drew of every network figure: each label's room (its foreignObject) and
# the patch of paper its text sits on, the edges and the circles, in the SVG's own units.
FIGURE_PROBE = """<script>
(() => {
  const number = (e, name) => parseFloat(e.getAttribute(name));
  const probe = document.createElement("pre");
  probe.id = "probe";
  probe.textContent = JSON.stringify([...document.querySelectorAll("svg.network-svg")].map(svg => ({
    labels: [...svg.querySelectorAll("foreignObject.fig-label")].map(fo => {
      const patch = fo.querySelector("div > span");
      return {x: number(fo, "x"), y: number(fo, "y"), width: number(fo, "width"), height: number(fo, "height"),
              transform: fo.getAttribute("transform") || "", kind: fo.getAttribute("class").split(" ")[1],
              edge: fo.getAttribute("data-edge") || "", patch_width: patch.offsetWidth,
              patch_height: patch.offsetHeight,
              text_width: Math.max(...[...patch.querySelectorAll(".line")].map(line => line.offsetWidth))};
    }),
    edges: [...svg.querySelectorAll("line.edge")].map(l => [number(l, "x1"), number(l, "y1"), number(l, "x2"),
                                                            number(l, "y2"), l.getAttribute("data-edge")]),
    circles: [...svg.querySelectorAll("circle")].map(c => [number(c, "cx"), number(c, "cy"), number(c, "r")]),
  })));
  document.body.append(probe);
})();
</script>
"""


def drawn_in_chromium(figure: dict) -> Drawn:
    """A figure as Chromium laid it out: each label's patch of paper where it really is."""
    labels = []
    for label in figure["labels"]:
        if label["kind"] == "name":
            continue
        cx, cy = label["x"] + label["width"] / 2, label["y"] + label["height"] / 2
        w, h = label["patch_width"], label["patch_height"]
        corners = [(cx + a * w / 2, cy + b * h / 2) for a, b in ((-1, -1), (1, -1), (1, 1), (-1, 1))]
        turned = re.fullmatch(r"rotate\((\S+) (\S+) (\S+)\)", label["transform"])
        if turned:
            angle, ox, oy = map(float, turned.groups())
            c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            corners = [(ox + (x - ox) * c - (y - oy) * s, oy + (x - ox) * s + (y - oy) * c) for x, y in corners]
        labels.append((tuple(corners), label["kind"], label["edge"]))
    return Drawn([tuple(c) for c in figure["circles"]], [tuple(e) for e in figure["edges"]], labels, slack=0.3)


@pytest.mark.parametrize("layers", [(2, 2, 2), (3, 4, 2), (4, 5, 3), (2, 3, 3, 2)])
def test_chromium_draws_every_label_inside_its_room_and_clear_of_the_rest(layers, tmp_path):
    """The issue's own measurement, in the browser: no label on another label, no edge through
    a label that is not its own; every label's patch of paper is the room the layout gave it,
    and its text (as wide as Chromium sets it) fits that room."""
    spec = generate(Options(layers=layers, count=1, seed=2))[0].spec
    page = tmp_path / "figures.html"
    source = render(build(explain_step(spec)), "html")
    page.write_text(source.replace("</body>", FIGURE_PROBE + "</body>"), encoding="utf-8")
    result = chromium(page, tmp_path, "--virtual-time-budget=5000", "--dump-dom")
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.DOTALL)
    figures = json.loads(html.unescape(found.group(1)))
    assert len(figures) == len(layers) + 1  # the network, a chain-rule path per layer, after the step
    for figure in figures:
        for label in figure["labels"]:
            if label["kind"] != "name":
                assert label["text_width"] <= label["width"], label
                assert (label["patch_width"], label["patch_height"]) == pytest.approx(
                    (label["width"], label["height"]), abs=1), label
        assert problems(drawn_in_chromium(figure)) == []
