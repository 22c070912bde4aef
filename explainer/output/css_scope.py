"""Confining the walkthrough's style sheet to one element, for HTML embedded in another page.

The stand-alone HTML page styles ``html``, ``body`` and bare elements such as
``h2``, ``p`` and ``table``. Dropped as it is into a Jupyter notebook, that style
sheet would restyle the whole notebook. `scope_css` rewrites it so that every
rule applies only inside one wrapper element:

* ``:root``, ``html`` and ``body`` become the wrapper itself (the page's colours,
  fonts and column width become the wrapper's);
* every other selector is prefixed with the wrapper, ``p`` → ``.scope p``;
* ``@media`` and ``@supports`` blocks are scoped inside; ``@font-face`` is kept
  as it is (a font face only names a font, it styles nothing); ``@page`` is dropped
  (printing the notebook is the notebook's business).

It is a small rewriter for the project's own style sheet, not a general CSS
parser: it assumes no braces inside strings, which that sheet never has.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_PAGE_LEVEL = re.compile(r"^(?::root|html|body)(?=$|[\s>+~:.\[])")
_NESTING_AT_RULES = ("@media", "@supports")


def scope_css(css: str, scope: str) -> Markup:
    """`css` with every rule confined to the elements matching `scope` (e.g. ``.bpx``).

    Returned as Markup: it goes inside a <style> element, where HTML escaping
    would corrupt selectors such as ``a > b``.
    """
    return Markup(_scope_rules(_COMMENT.sub("", str(css)), scope))


def _scope_rules(css: str, scope: str) -> str:
    out: list[str] = []
    for prelude, body in _rules(css):
        if prelude.startswith(_NESTING_AT_RULES):
            out.append(f"{prelude} {{\n{_scope_rules(body, scope)}}}\n")
        elif prelude.startswith("@page"):
            continue
        elif prelude.startswith("@"):
            out.append(f"{prelude} {{{body}}}\n")
        else:
            selectors = ", ".join(_scope_selector(s, scope) for s in _split_selectors(prelude))
            out.append(f"{selectors} {{{body}}}\n")
    return "".join(out)


def _rules(css: str) -> list[tuple[str, str]]:
    """The top-level rules of `css` as (prelude, body) pairs, nested braces kept in the body."""
    rules: list[tuple[str, str]] = []
    depth, start, prelude = 0, 0, ""
    for i, char in enumerate(css):
        if char == "{":
            if depth == 0:
                prelude, start = css[start:i].strip(), i + 1
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                rules.append((prelude, css[start:i]))
                start = i + 1
    return rules


def _split_selectors(prelude: str) -> list[str]:
    """A selector list split at its top-level commas (not those inside ``:is(a, b)``)."""
    parts, depth, current = [], 0, ""
    for char in prelude:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p.strip() for p in [*parts, current] if p.strip()]


def _scope_selector(selector: str, scope: str) -> str:
    if _PAGE_LEVEL.match(selector):
        return _PAGE_LEVEL.sub(scope, selector, count=1)
    return f"{scope} {selector}"
