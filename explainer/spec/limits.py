"""The size limits of a run, which `--no-limits` lifts.

Both engines' time grows with the number of parameters, and a run of several
samples or steps with samples × steps on top. On the project's 2-core machine a
step of MAX_PARAMETERS takes about 20 s, and a run of MAX_PARAMETER_UPDATES about
RUN_AT_LIMIT (see the README's "Speed" and bench/README.md): ten million updates
cover an XOR demonstration (9 parameters × 4 samples × 10,000 steps = 360,000) or a
10,000-step run of a 2-2-2 network (120,000) with room. A refusal is a `SpecError`
(one line, exit code 2, nothing written) naming the limit and the option.

The other refusal, numbers too extreme to compute, is no limit but the range in
which the answer is right: see `explainer.engines.dry_run`.
"""

from __future__ import annotations

from explainer.spec.model import Spec, SpecError

MAX_PARAMETERS = 5_000
MAX_PARAMETER_UPDATES = 10_000_000  # parameters × samples × steps
# What a run of MAX_PARAMETER_UPDATES costs, measured (bench/README.md): from XOR (9 parameters,
# 4 samples, 277,777 steps: 27 s, an 84 MB JSON file) to the seed network (833,333 steps: 94 s,
# 320 MB, 3 GB of memory), on a 2-core machine shared with other work.
RUN_AT_LIMIT = "half a minute to a minute and a half, and a JSON file of 100 to 300 MB"
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
                                                 f"of {MAX_PARAMETER_UPDATES:,} for a run (a run that size "
                                                 f"takes about {RUN_AT_LIMIT}); {LIFT}")
