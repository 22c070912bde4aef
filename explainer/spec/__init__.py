"""The spec: what a person writes down before a worked example starts.

    spec = load_spec("article.toml")      # or parse_spec(toml_bytes, "name for messages")

`model` holds the data model (`Spec`, `Network`, `Parameter`, `Sample`) and
`SpecError`, the one error every input problem becomes; `reader` reads and
checks TOML (`numbers` reads each number exactly, never evaluating it);
`limits` holds the size limits a run must stay within.
"""

from explainer.spec.model import NOTATIONS, Network, Parameter, Sample, Spec, SpecError
from explainer.spec.reader import load as load_spec
from explainer.spec.reader import parse as parse_spec

__all__ = ["NOTATIONS", "Network", "Parameter", "Sample", "Spec", "SpecError", "load_spec", "parse_spec"]
