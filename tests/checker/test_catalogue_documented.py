"""The README's table of slips is the catalogue: every slip, in its order, with its words."""

from __future__ import annotations

import re

from explainer.checker.slips import CATALOGUE
from tests.conftest import REPO


def test_the_readme_lists_every_slip_of_the_catalogue_with_its_explanation():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    text = text[text.index("**Diagnosis.**"):text.index("**Conventions.**")]
    rows = re.findall(r"^\| `([a-z_]+)` \| (.+) \|$", text, flags=re.MULTILINE)
    assert [slip for slip, _ in rows] == list(CATALOGUE)
    assert all(words == CATALOGUE[slip].explanation for slip, words in rows)
