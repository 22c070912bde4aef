"""Mermaid labels are plain text: what latex_to_text makes of the walkthrough's labels."""

from __future__ import annotations

import pytest

from explainer.output.render import latex_to_text


@pytest.mark.parametrize(("latex", "text"), [
    (r"w_{5} = 0.4", "w5 = 0.4"),
    (r"\bigl(w^{2}_{11}\bigr)^{+} \approx 0.306417", "(w²11)⁺ ≈ 0.306417"),  # Nielsen, after the step
    (r"\left(x_{1}\right) = -2", "(x1) = −2"),
])
def test_a_label_has_no_latex_left_in_it(latex, text):
    assert latex_to_text(latex) == text
    assert "\\" not in latex_to_text(latex)
