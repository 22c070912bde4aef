"""Several samples and several steps: the run as a list of costs and parameters.

The walkthrough works through the first update in full; a longer run is shown as a
table and a cost curve. Both engines run the whole training loop, and the two
histories must agree at every step like the single step does:

* the symbolic engine derives the step once and evaluates its own derived
  expressions for every step, compiled once (`explainer.engines.compiled`), with
  RUN_PRECISION digits from the exact spec — or more, chosen from the values of the
  run where a neuron saturates (`explainer.engines.precision`);
* the numeric core runs its float64 training loop (`numeric_run.train`), a batch at a
  time with matrix products.

In "sgd" mode a step makes one update per sample, in order; in "batch" mode one
update with the mean of the samples' gradients (or their sum: `batch_gradient`). The cost of a step is the mean
cost over all samples, measured after the step (step 0: before training).

**How the comparison allows for rounding.** Each float64 step rounds every update
p − η ∂C/∂p, and the gradient it applies carries the rounding of its own
computation: about STEP_ROUNDING = 16 ε per parameter, relative to max(1, |value|),
as the single step's agreement allows (`explainer.engines.agreement`). A step
inherits the errors of the steps before it, so the allowance at step n grows with
n: RELATIVE_TOLERANCE + n · STEP_ROUNDING · (number of parameters). That is the
growth of rounding in a run that converges; a run that amplifies small differences
(a learning rate past stability) does lose digits in float64, and is then reported
as a disagreement, which it is. The symbolic run's own rounding is 10^-24 times
smaller than float64's (40 digits against 16) and grows the same way, so where the
engines agree to the allowance (4 · 10^-10 at step 10,000 of a 12-parameter run) the
symbolic run is within 10^-33 of the exact one: its CORRECT_DIGITS are right.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import gmpy2
import numpy as np
import sympy

from explainer.engines import numeric_run, symbolic, workers
from explainer.engines.agreement import EPS, RELATIVE_TOLERANCE
from explainer.engines.compiled import Compiled, compile_derivation, number
from explainer.engines.precision import RUN_PRECISION, lost_digits, working_digits
from explainer.spec import Spec

STEP_ROUNDING = 16 * EPS  # a float64 step's rounding, per parameter (see the module docstring)
REPORT_EVERY = 100  # steps between progress reports (and the last step)
COMPILED_BATCH = 16  # samples up to which a batch step is compiled as one function
BACKGROUND = 2_000  # sample passes (steps × samples) from which the symbolic run gets a core of its own
PROGRESS_INTERVAL = 0.2  # seconds between progress reports of a run in another process
_FORK = "fork" in multiprocessing.get_all_start_methods()
_CHUNK = 4096  # steps whose MPFR values are kept before they are written into the arrays


@dataclass(frozen=True)
class Point:
    """The state after `step` steps: the dataset cost and every parameter."""

    step: int
    cost: sympy.Float
    parameters: dict[str, sympy.Expr]


@dataclass(frozen=True)
class Trace:
    """The symbolic engine's run, every step, compactly: each value v as two float64
    numbers, `hi` = v rounded and `rel` = (v − hi) / hi rounded, so that hi · (1 + rel)
    is v to about 32 significant digits (2⁻¹⁰⁶), at any magnitude float64 holds. Row 0
    is before training; column 0 the mean cost, then the parameters in label order."""

    labels: tuple[str, ...]
    hi: np.ndarray  # (steps + 1, 1 + parameters)
    rel: np.ndarray
    digits: int  # the working digits of the run
    outputs: tuple[tuple[sympy.Float, ...], ...]  # per sample, the last layer's outputs after the run

    @property
    def steps(self) -> int:
        return len(self.hi) - 1

    @property
    def costs(self) -> np.ndarray:
        return self.hi[:, 0]

    @property
    def parameters(self) -> np.ndarray:
        return self.hi[:, 1:]

    def point(self, step: int) -> Point:
        """The state after `step` steps, its numbers as SymPy Floats of 32 digits."""
        row = [_joined(h, r) for h, r in zip(self.hi[step], self.rel[step], strict=True)]
        return Point(step, row[0], dict(zip(self.labels, row[1:], strict=True)))


def _joined(hi: float, rel: float) -> sympy.Float:
    exact = Fraction(hi) * (1 + Fraction(rel))
    return sympy.Float(sympy.Rational(exact.numerator, exact.denominator), 32)


@dataclass(frozen=True)
class History:
    """The run of both engines: the symbolic `trace`, and how far the numeric core's run
    is from it. Differences are relative to max(1, |value|): a parameter trained to near
    zero would make a plain relative difference meaningless."""

    trace: Trace
    cost_discrepancy: float  # worst over the run
    parameter_discrepancy: float
    agrees: bool  # every step within its allowance (see the module docstring)
    allowance: float  # the allowance at the last step

    @property
    def steps(self) -> int:
        return self.trace.steps

    def point(self, step: int) -> Point:
        return self.trace.point(step)

    def evenly(self, about: int) -> list[int]:
        """About `about` evenly spaced steps from 0, and the last: a long run drawn or
        tabulated without drawing every step."""
        every = max(1, -(-self.steps // about))
        chosen = [*range(0, self.steps + 1, every)]
        return chosen if chosen[-1] == self.steps else [*chosen, self.steps]

    @property
    def first(self) -> Point:
        return self.point(0)

    @property
    def last(self) -> Point:
        return self.point(self.steps)


class _Recorder:
    """Collects each step's MPFR numbers and writes them into the trace's arrays a chunk
    at a time (one vectorised conversion per chunk, and never more than a chunk of
    MPFR numbers alive)."""

    def __init__(self, steps: int, width: int) -> None:
        self.hi = np.empty((steps + 1, width))
        self.rel = np.empty((steps + 1, width))
        self.rows: list[list] = []
        self.done = 0

    def add(self, cost: gmpy2.mpfr, theta: list) -> None:
        self.rows.append([cost, *theta])
        if len(self.rows) == _CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        exact = np.array(self.rows, dtype=object)
        hi = exact.astype(np.float64)
        safe = np.where(hi == 0, 1.0, hi)
        span = slice(self.done, self.done + len(self.rows))
        self.hi[span] = hi
        self.rel[span] = np.where(hi == 0, 0.0, ((exact - hi) / safe).astype(np.float64))
        self.done += len(self.rows)
        self.rows = []


def _trace(spec: Spec, program: Compiled, digits: int,
           each_step: Callable[[int], None] | None) -> tuple[Trace, float]:
    """The run at `digits` working digits, and the largest saturation·|i| it met."""
    net = spec.network
    with gmpy2.context(gmpy2.get_context(), precision=int(digits * 3.33) + 8):
        theta = [number(p.value) for p in net.parameters]
        samples = [[number(v) for v in (*s.input, *s.expected)] for s in spec.samples]
        count = len(samples)
        one_by_one = spec.mode == "sgd" and count > 1
        # η / B for a batch's mean gradient, η for its sum (and for one sample): see compiled._step
        eta = number(Fraction(spec.learning_rate) / spec.batch_divisor)
        rates = [0 if p.label in spec.frozen else eta for p in net.parameters]  # p − 0·g is p exactly
        recorder = _Recorder(spec.steps, 1 + len(theta))
        worst = 0
        cost_of = program.cost

        def dataset_cost(values: list) -> gmpy2.mpfr:
            return sum(cost_of(*values, *s) for s in samples) / count

        if one_by_one:  # one update a sample, in order, with one function for every sample
            step, _ = program.step(spec.samples[:1], fold=False)
            each = [[*s, *rates] for s in samples]
            recorder.add(dataset_cost(theta), theta)
        elif count <= COMPILED_BATCH:  # one update a step with the batch's gradient, with the mean cost at θ
            step, values = program.step(spec.samples)
            each = [[*map(number, values), *rates]]
        for n in range(1, spec.steps + 1):
            if each_step is not None and (n % REPORT_EVERY == 0 or n == spec.steps or n == 1):
                each_step(n)
            if one_by_one:
                for arguments in each:
                    _, theta, saturation, _ = step(*theta, *arguments)
                    worst = max(worst, saturation)
                recorder.add(dataset_cost(theta), theta)
            elif count <= COMPILED_BATCH:
                cost, after, saturation, _ = step(*theta, *each[0])
                worst = max(worst, saturation)
                recorder.add(cost, theta)
                theta = after
            else:  # a large batch: each sample's gradient, added up here
                passes = [program.gradient(*theta, *s) for s in samples]
                worst = max(worst, *(p[2] for p in passes))
                recorder.add(sum(p[0] for p in passes) / count, theta)
                theta = [v - r * sum(column) for v, r, column in
                         zip(theta, rates, zip(*(p[1] for p in passes), strict=True), strict=True)]
        if one_by_one or count > COMPILED_BATCH:
            if not one_by_one:
                recorder.add(dataset_cost(theta), theta)
            last = [program.outputs(*theta, *s) for s in samples]
        else:  # one more call of the step gives the cost at the last θ, and the outputs there
            cost, _, _, last = step(*theta, *each[0])
            recorder.add(cost, theta)
        recorder.flush()
        outputs = tuple(tuple(sympy.Float(str(o), digits) for o in row) for row in last)
    labels = tuple(p.label for p in net.parameters)
    return Trace(labels, recorder.hi, recorder.rel, digits, outputs), float(worst)


def symbolic_trace(spec: Spec, d: symbolic.Derivation,
                   each_step: Callable[[int], None] | None = None) -> Trace:
    """The whole run in the symbolic engine, with the derivation compiled once; at
    RUN_PRECISION digits, or again with more if a neuron of the run saturates.
    `each_step(n)` is called as step n begins (every REPORT_EVERY steps)."""
    program = compile_derivation(d)
    digits = RUN_PRECISION
    while True:
        trace, saturation = _trace(spec, program, digits, each_step)
        needed = working_digits(lost_digits(1, saturation), RUN_PRECISION)
        if needed <= digits:
            return trace
        digits = needed


def symbolic_run(spec: Spec, d: symbolic.Derivation,
                 each_step: Callable[[int], None] | None = None) -> list[Point]:
    """Every step of the symbolic run as Points (see `symbolic_trace`)."""
    trace = symbolic_trace(spec, d, each_step)
    return [trace.point(n) for n in range(trace.steps + 1)]


class Started:
    """The symbolic engine's run, under way: in a worker process of its own where the run
    is long enough to pay for one (BACKGROUND sample passes), so that the numeric core's
    run, the proofs and the rest of the step are computed meanwhile; else here, when its
    history is asked for. Leaving a `with` block stops a worker still running."""

    def __init__(self, spec: Spec, d: symbolic.Derivation, each_step: Callable[[int], None] | None) -> None:
        self.spec, self.each_step = spec, each_step
        alone = spec.steps * len(spec.samples) >= BACKGROUND and _FORK and (os.cpu_count() or 1) > 1
        self._step = multiprocessing.get_context("fork").Value("q", 0, lock=False) if alone else None
        if self._step is None:
            task = lambda _: symbolic_trace(spec, d, each_step)  # noqa: E731
        else:
            shared = self._step

            def task(_: str) -> Trace:
                return symbolic_trace(spec, d, lambda n: setattr(shared, "value", n))
        self._running = workers.start(task, ["run"], alone=self._step is not None)

    def history(self, theirs: numeric_run.Run) -> History:
        """Wait for the symbolic run (saying how far it is), and compare it with the numeric core's."""
        if self._step is not None and self.each_step is not None:
            while not self._running.wait(PROGRESS_INTERVAL):
                if self._step.value:
                    self.each_step(self._step.value)
        return compare(self._running.results()["run"], theirs)

    def close(self) -> None:
        self._running.close()

    def __enter__(self) -> Started:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start(spec: Spec, d: symbolic.Derivation, each_step: Callable[[int], None] | None = None) -> Started:
    """Begin the symbolic engine's run (`each_step` as in `symbolic_trace`)."""
    return Started(spec, d, each_step)


def run(spec: Spec, d: symbolic.Derivation, each_step: Callable[[int], None] | None = None) -> History:
    """Both engines' runs, compared step by step (`each_step` as in `symbolic_trace`)."""
    with start(spec, d, each_step) as started:
        return started.history(numeric_run.train(spec))


def compare(trace: Trace, theirs: numeric_run.Run) -> History:
    """The symbolic run against the numeric core's, step by step (see the module docstring)."""
    allowance = RELATIVE_TOLERANCE + np.arange(trace.steps + 1) * STEP_ROUNDING * len(trace.labels)
    cost_gap = _scaled(trace.costs, theirs.costs)
    parameter_gap = _scaled(trace.parameters, theirs.parameters)
    agrees = bool(np.all(cost_gap <= allowance) and np.all(parameter_gap <= allowance[:, None]))
    return History(trace, float(cost_gap.max()), float(parameter_gap.max(initial=0.0)), agrees,
                   float(allowance[-1]))


def _scaled(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """|a − b| relative to max(1, |a|, |b|), elementwise (see `agreement.scaled`)."""
    return np.abs(a - b) / np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
