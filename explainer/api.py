"""The Python API: explain a step or check hand-computed numbers from Python or Jupyter.

    from explainer import explain, check
    step = explain("article.toml")           # shows the walkthrough in a notebook cell
    step.json()["gradient"]["w5"]            # any value of the step
    check("my-claims.toml")                  # shows the table of verdicts

`explain` and `check` do what ``explainer explain`` and ``explainer check`` do,
with the same engines, limits and error messages, and return objects instead of
writing files: a `Walkthrough` renders itself as HTML, Markdown, LaTeX or JSON
(and `save` writes the files the command would); a `CheckResult` holds the
verdicts. In Jupyter both display themselves: ``_repr_html_`` gives HTML made
to sit inside a notebook (its style sheet applies to it alone), and
``_repr_markdown_`` gives Markdown with ``$…$`` math.

Bad input raises `explainer.spec.SpecError` with the same one-line message the
command prints (``FILE: KEY: PROBLEM``); an output folder that cannot take the
files raises `explainer.output.files.OutputError` (a SpecError, ``PATH: PROBLEM``), and
a PDF that cannot be made `explainer.output.pdf.PdfError`. The built-in example and the
seed article's claims are `explainer.examples.seed_spec()` and `seed_claims()`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

from explainer.checker import report
from explainer.checker.claims import Claims, load_claims
from explainer.checker.verdicts import Check, Tolerance, Verdict
from explainer.checker.verdicts import check as check_claims
from explainer.engines.precision import CORRECT_DIGITS
from explainer.output.documents import TYPESET, files_of
from explainer.output.files import ALL_FORMATS, DEFAULT_FORMATS, check_folder, write_outputs
from explainer.output.json_report import dumps, to_json
from explainer.output.paths import DEFAULT_STEM, safe_stem
from explainer.output.pdf import typeset
from explainer.output.render import environment, render, render_fragment
from explainer.pipeline import Explanation, check_run
from explainer.pipeline import explain as explain_step
from explainer.spec import NOTATIONS, Spec, SpecError, load_spec, parse_spec
from explainer.spec.reader import parameter_labels
from explainer.walkthrough.build import build
from explainer.walkthrough.context import DEFAULT_DIGITS
from explainer.walkthrough.document import Document

TEXT_SOURCE = "<spec text>"  # how messages name a spec given as bytes


@dataclass(frozen=True)
class Walkthrough:
    """One gradient-descent step, computed twice and explained.

    `explanation` holds the spec, both engines' results and their agreement;
    `document` is the walkthrough every format is rendered from.
    """

    explanation: Explanation
    digits: int = DEFAULT_DIGITS
    full: bool | None = None

    @cached_property
    def document(self) -> Document:
        """The walkthrough model, built on first use (`json()` does not need it)."""
        return build(self.explanation, self.digits, self.full)

    @property
    def agrees(self) -> bool:
        """Whether the chain rule, backpropagation and finite differences agree."""
        return self.explanation.agrees

    def html(self) -> str:
        """The stand-alone HTML page, as ``explainer explain --format html`` writes it."""
        return render(self.document, "html")

    def markdown(self) -> str:
        """The Markdown file (``$…$`` math, a Mermaid figure)."""
        return render(self.document, "md")

    def latex(self) -> str:
        """The standalone LaTeX document (compile it with pdflatex)."""
        return render(self.document, "tex")

    def json(self, digits: int | None = None) -> dict:
        """Every value of the step, as the JSON file holds it: float64 numbers, or decimal
        strings with `digits` significant digits (as ``--json-digits``)."""
        if digits is not None:
            _check_digits("json()", digits)
        return to_json(self.explanation, digits)

    def save(self, directory: str | Path, formats: str | Iterable[str] = DEFAULT_FORMATS,
             pdf: bool = False) -> list[Path]:
        """Write the walkthrough into `directory` as the command does (STEM.tex, .html, …):
        all files or, on failure, none. Returns the paths written.

        `formats` is a list such as ``["tex", "html"]`` or a string as ``--format`` takes
        it, ``"tex,html"`` or ``"tex"``; besides the command's defaults (tex, html, md, json)
        it may name ``tex-body`` (STEM-body.tex, to \\input), ``slides`` (STEM-slides.tex)
        and ``figures`` (STEM-figure-K.tex and .svg). `pdf=True` also typesets the LaTeX
        into STEM.pdf (and writes the .tex), and the slides into STEM-slides.pdf; a PDF
        that cannot be made raises `PdfError` and nothing is written. An output folder
        that cannot take the files raises `OutputError`.
        """
        chosen = _formats(formats)
        if pdf and "tex" not in chosen and "slides" not in chosen:
            chosen.append("tex")
        check_folder(directory)
        contents: dict = dict(files_of(self.explanation, self.document, chosen, self.digits, self.full))
        if "json" in chosen:  # the command's JSON file, byte for byte
            contents["json"] = dumps(self.json())
        contents = {fmt: contents[fmt] for fmt in chosen}
        if pdf:
            for source, target in TYPESET.items():
                if source in contents:
                    contents[target] = typeset(str(contents[source]))
        source = self.explanation.spec.source
        stem = DEFAULT_STEM if source == TEXT_SOURCE else safe_stem(source)
        return write_outputs(Path(directory), stem, contents)

    def _repr_html_(self) -> str:
        return render_fragment(self.document)

    def _repr_markdown_(self) -> str:
        return self.markdown()

    # No _repr_latex_: Jupyter hands text/latex to MathJax, which typesets math, not a
    # document with \documentclass, TikZ figures and tables; the Markdown repr already
    # carries every formula as math.

    def __repr__(self) -> str:
        spec, step = self.explanation.spec, self.explanation.symbolic
        verdict = "the computations agree" if self.agrees else "DISAGREEMENT between the computations"
        after = "no step" if step.after is None else f"{float(step.after.cost):.6g}"
        return f"<Walkthrough {spec.title!r}: cost {float(step.values.cost):.6g} -> {after}, {verdict}>"


@dataclass(frozen=True)
class CheckResult:
    """The verdicts on a claims file: right, wrong, or carried forward from an earlier slip."""

    claims: Claims
    result: Check
    agrees: bool  # whether the engines giving the true values agree

    @property
    def ok(self) -> bool:
        """Whether every claim is right (and the true values are beyond doubt)."""
        return self.result.ok and self.agrees

    @property
    def verdicts(self) -> tuple[Verdict, ...]:
        return tuple(self.result.verdicts)

    def table(self) -> str:
        """The terminal table ``explainer check`` prints."""
        return report.to_text(self.result)

    def json(self) -> dict:
        """The verdicts as ``explainer check --format json`` writes them."""
        return report.to_json(self.result, str(self.claims.spec.source))

    def _render(self, fmt: str) -> str:
        template = environment(fmt).get_template(f"checkreport.{fmt}.j2")
        rows = list(zip(report.rows(self.result), (v.verdict for v in self.verdicts), strict=True))
        return template.render(header=report.HEADER, rows=rows, tally=report.tally(self.result),
                               slips=report.slips_found(self.result), agrees=self.agrees)

    def _repr_html_(self) -> str:
        return self._render("html")

    def _repr_markdown_(self) -> str:
        return self._render("md")

    def __repr__(self) -> str:
        return f"<CheckResult {self.claims.source!r}: {report.tally(self.result)}>"


def explain(spec: str | Path | bytes | Spec, *, digits: int = DEFAULT_DIGITS, full: bool | None = None,
            notation: str | None = None, show: str | Iterable[str] | None = None,
            landscape: str | Iterable[str] | None = None, limits: bool = True) -> Walkthrough:
    """Compute one gradient-descent step twice, independently, and explain it.

    `spec` is the path of a spec TOML file, the TOML itself as bytes, or a loaded
    `Spec` (`explainer.examples.seed_spec()` is the built-in example). `digits`
    (1 to 30) are the significant digits the walkthrough shows; `full` derives
    every parameter of a large network (None: the command's default); `notation`
    is one of the presets (seed, nielsen, net-out, mitchell), overriding the spec's, as
    ``--notation`` does; `show` names the parameters worked in full (``"w5,w1,b3"`` or a list,
    as ``--show``) and `landscape` the two the cost landscape is drawn over (as
    ``--landscape``), overriding the spec's [walkthrough] settings; `limits=False` lifts the
    size limits, as ``--no-limits`` does.
    """
    _check_digits("explain()", digits)
    loaded = _spec_from(spec)
    if notation is not None:
        if notation not in NOTATIONS:
            raise SpecError("explain()", "notation", f"unknown notation {notation!r} "
                                                     f"(choose from {', '.join(NOTATIONS)})")
        loaded = replace(loaded, notation=notation)
    for name, value, count in (("show", show, None), ("landscape", landscape, 2)):
        if value is not None:
            loaded = replace(loaded, **{name: _labels(value, loaded, name, count)})
    check_run(loaded, limits=limits)
    return Walkthrough(explain_step(loaded, full), digits, full)


def check(claims: str | Path, *, rel_tol: float | None = None, abs_tol: float | None = None,
          notation: str | None = None, limits: bool = True) -> CheckResult:
    """Check the numbers in a claims file (which names its spec) against the true step.

    A number written with k decimals is right within half a unit of its last digit plus the
    rounding its earlier claims carry into it (see the README);
    `rel_tol` / `abs_tol` replace that rule with max(abs_tol, rel_tol·|true|).
    `notation` is the convention the numbers follow, as ``--notation`` (under
    "mitchell" a delta is the error term −∂E/∂net), overriding the file's.
    """
    if not isinstance(claims, str | Path):
        raise TypeError(f"check() takes the path of a claims file, not {type(claims).__name__}")
    for name, value in (("rel_tol", rel_tol), ("abs_tol", abs_tol)):
        if value is not None and not (isinstance(value, int | float) and 0 <= value < float("inf")):
            raise SpecError("check()", name, f"must be a finite number ≥ 0, found {value!r}")
    loaded = load_claims(claims)
    if notation is not None:
        if notation not in NOTATIONS:
            raise SpecError("check()", "notation", f"unknown notation {notation!r} "
                                                   f"(choose from {', '.join(NOTATIONS)})")
        loaded = replace(loaded, notation=notation)
    check_run(loaded.spec, limits=limits)
    explanation = explain_step(loaded.spec, None, rendering=False)
    result = check_claims(loaded, explanation.symbolic, Tolerance(abs_tol, rel_tol))
    return CheckResult(loaded, result, explanation.agrees)


def _formats(formats: object) -> list[str]:
    """save()'s formats as a list, checked: a list of names, or "tex,html" as --format takes it."""
    if isinstance(formats, str):
        chosen = [f.strip() for f in formats.split(",") if f.strip()]
    elif isinstance(formats, Iterable) and all(isinstance(f, str) for f in formats):
        chosen = [f.strip() for f in formats]
    else:
        raise SpecError("save()", "formats", f"expected format names such as \"tex,html\" or [\"tex\", "
                                             f"\"html\"], found {type(formats).__name__}")
    chosen = list(dict.fromkeys(chosen))
    if "pdf" in chosen:
        raise SpecError("save()", "formats", "pdf is made from the LaTeX: pass pdf=True")
    unknown = [f for f in chosen if f not in ALL_FORMATS]
    if unknown or not chosen:
        found = repr(unknown[0]) if unknown else "none"
        raise SpecError("save()", "formats", f"expected some of {', '.join(ALL_FORMATS)}, found {found}")
    return chosen


def _labels(value: object, spec: Spec, name: str, count: int | None) -> tuple[str, ...]:
    """explain()'s `show` or `landscape`: parameter labels as "w5,w1" or a list, checked as
    the command checks --show and --landscape."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, Iterable) and all(isinstance(item, str) for item in value):
        text = ",".join(value)
    else:
        raise SpecError("explain()", name, f"expected parameter labels such as \"w5,w1\" or [\"w5\", "
                                           f"\"w1\"], found {type(value).__name__}")
    try:
        return parameter_labels(text, spec.network, name, count)
    except SpecError as err:
        raise SpecError("explain()", name, err.problem) from None


def _check_digits(where: str, digits: object) -> None:
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= CORRECT_DIGITS:
        raise SpecError(where, "digits",
                        f"must be a whole number between 1 and {CORRECT_DIGITS}, found {digits!r}")


def _spec_from(spec: str | Path | bytes | Spec) -> Spec:
    if isinstance(spec, Spec):
        return spec
    if isinstance(spec, bytes):
        return parse_spec(spec, TEXT_SOURCE)
    if isinstance(spec, str) and "\n" in spec:  # TOML text where a path was expected
        raise SpecError("explain()", "spec", "a str is the path of a spec file; pass TOML text as bytes "
                                             "(text.encode())")
    if isinstance(spec, str | Path):
        return load_spec(spec)
    raise TypeError(f"explain() takes a spec path, TOML bytes or a Spec, not {type(spec).__name__}")
