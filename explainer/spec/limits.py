"""The size limits of a run, which `--no-limits` lifts.

Both engines' time grows with the number of parameters, and a run of several
samples or steps with samples × steps on top; on the project's 2-core machine
a run of MAX_PARAMETERS takes about 20 s, and so does one of
MAX_PARAMETER_UPDATES (see the README's "Speed"). A refusal is a `SpecError`
(one line, exit code 2, nothing written) naming the limit and the option.

The other refusal, numbers too extreme to compute, is no limit but the range in
which the answer is right: see `explainer.engines.dry_run`.
"""

from __future__ import annotations

from explainer.spec.model import Spec, SpecError

MAX_PARAMETERS = 5_000
MAX_PARAMETER_UPDATES = 25_000  # parameters × samples × steps
LIFT = "pass --no-limits to lift it"


def check_size(spec: Spec) -> None:
    """The size limits: raise a SpecError naming the limit and the option that lifts it."""
    n = len(spec.network.parameters)
    if n > MAX_PARAMETERS:
        raise SpecError(spec.source, "network.layers", f"{n:,} parameters is above the limit of "
                                                       f"{MAX_PARAMETERS:,} for a run; {LIFT}")
    samples, steps = len(spec.samples), spec.steps
    work = n * samples * steps
    if work > MAX_PARAMETER_UPDATES:
        raise SpecError(spec.source, "training", f"{n:,} parameters × {samples:,} sample(s) × {steps:,} "
                                                 f"step(s) = {work:,} parameter updates is above the limit "
                                                 f"of {MAX_PARAMETER_UPDATES:,} for a run; {LIFT}")
