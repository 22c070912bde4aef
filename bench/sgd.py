"""Table 4: one SGD epoch of the numeric core against PyTorch on the same data and weights."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from networks import SEED, load_network
from timing import best_of, markdown_table, progress, seconds

from explainer.engines import numeric, numeric_run
from explainer.spec import Sample

SGD_SAMPLES, SGD_BATCH, SGD_NETWORK = 1000, 32, "64-32-10"
SGD_TOLERANCE = 1e-9
SGD_TARGET = 2.0  # ours / torch
SGD_REPEATS = 10  # both epochs are short and sensitive to other load: the best of as many for each


def sgd_table() -> str:
    """One epoch of mini-batch SGD, float64, on the same data and initial weights."""
    try:
        import torch
    except ImportError:
        return "PyTorch is not installed (`pip install torch==2.13.0`): comparison skipped."
    spec = load_network(SGD_NETWORK)
    net = spec.network
    eta = float(spec.learning_rate)
    rng = np.random.default_rng(SEED)
    x = rng.random((SGD_SAMPLES, net.layers[0]))
    y = rng.random((SGD_SAMPLES, net.layers[-1]))
    samples = [Sample(tuple(map(Fraction, xi)), tuple(map(Fraction, yi))) for xi, yi in zip(x, y, strict=True)]
    batches = [tuple(samples[s:s + SGD_BATCH]) for s in range(0, SGD_SAMPLES, SGD_BATCH)]
    start_params = numeric.arrays(net, numeric.initial(net))

    columns = [numeric.columns(batch) for batch in batches]

    def ours() -> numeric.Parameters:
        # The core's training loop, a batch a step: θ with its trailing 0 (see numeric.Descent).
        descent = numeric.Descent(net)
        theta = np.append(numeric.vector(net, numeric.initial(net)), 0.0)
        rates = np.append(numeric_run.rates(spec), 0.0)
        for x, expected in columns:
            theta = theta - rates * descent(theta, x, expected)[1]
        return numeric.layout(net).unpack(theta[:-1])

    torch.set_num_threads(torch.get_num_threads())  # the default, stated
    xt = torch.tensor(x, dtype=torch.float64)
    yt = torch.tensor(y, dtype=torch.float64)

    def theirs() -> list[np.ndarray]:
        weights = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in start_params.W]
        biases = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in start_params.b]
        trained = [*weights, *biases]
        for s in range(0, SGD_SAMPLES, SGD_BATCH):
            h = xt[s:s + SGD_BATCH]
            for w, b in zip(weights, biases, strict=True):
                h = torch.sigmoid(h @ w.T + b)
            loss = ((h - yt[s:s + SGD_BATCH]) ** 2).sum(dim=1).mean()  # mean over the batch of C
            grads = torch.autograd.grad(loss, trained)
            with torch.no_grad():
                for p, g in zip(trained, grads, strict=True):
                    p -= eta * g
        return [p.detach().numpy() for p in trained]

    progress(f"SGD: numeric core, {SGD_SAMPLES} samples in batches of {SGD_BATCH}")
    t_ours, ours_params = best_of(ours, SGD_REPEATS)
    progress("SGD: PyTorch")
    t_torch, torch_params = best_of(theirs, SGD_REPEATS)
    mine = [*ours_params.W, *ours_params.b]
    abs_diff = max(float(np.max(np.abs(a - b))) for a, b in zip(mine, torch_params, strict=True))
    rel_diff = max(float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-300)))
                   for a, b in zip(mine, torch_params, strict=True))
    rows = [
        ["`explainer.numeric` (NumPy, `numeric.Descent` per batch: matrix products)", seconds(t_ours)],
        [f"PyTorch {torch.__version__} autograd, manual tensors, {torch.get_num_threads()} threads",
         seconds(t_torch)],
        ["ratio ours / torch", f"{t_ours / t_torch:.2f}× (target ≤ {SGD_TARGET:g}×: "
                               f"{'met' if t_ours / t_torch <= SGD_TARGET else 'MISSED'})"],
    ]
    n_batches = len(batches)
    rows[0][1] += f" (best of {SGD_REPEATS})"
    rows[1][1] += f" (best of {SGD_REPEATS})"
    table = markdown_table(("implementation", "one epoch"), rows)
    verdict = "agree" if rel_diff <= SGD_TOLERANCE else "DO NOT agree"
    return (f"{SGD_NETWORK} sigmoid network ({len(net.parameters):,} parameters), float64, sum_squared "
            f"averaged over each mini-batch, η = {eta:g}, {SGD_SAMPLES:,} samples from "
            f"`numpy.random.default_rng({SEED})` in {n_batches} mini-batches of up to {SGD_BATCH}, one "
            f"epoch, same initial weights.\n\n{table}\n\nFinal weights and biases: max |ours − torch| = "
            f"{abs_diff:.2e}, max relative difference {rel_diff:.2e}: they {verdict} to "
            f"{SGD_TOLERANCE:g} relative.")
