"""The engines: one gradient-descent step computed independently, and the checks between them.

* `symbolic`: the chain rule with SymPy, every ∂C/∂p as a product of factors
  reusing the δ's of the layer after, evaluated from the spec's exact numbers
  with 60 digits (`mpeval`, `precision`);
* `proof`: each chain-rule product proven equal to direct differentiation of
  the whole cost, on the machine's cores (`workers`);
* `numeric`: backpropagation in float64 with NumPy, written by hand, a batch a pass;
  `numeric_run`: its training loop;
* `differences`: finite differences of the forward pass, the third witness;
* `agreement`: the three side by side;
* `compiled`: the symbolic engine's derivation compiled once, for runs (gmpy2 MPFR);
* `training`: several samples and steps in both engines, compared step by step;
* `dry_run`: the float64 run that refuses numbers beyond float64's range;
* `precision`: the symbolic engine's working digits, chosen from the values.
"""
