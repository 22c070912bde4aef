"""The engines: one gradient-descent step computed independently, and the checks between them.

* `symbolic`: the chain rule with SymPy, every ∂C/∂p as a product of factors
  reusing the δ's of the layer after, evaluated from the spec's exact numbers
  with 60 digits (`mpeval`, `precision`);
* `proof`: each chain-rule product proven equal to direct differentiation of
  the whole cost, on the machine's cores (`workers`);
* `numeric`: backpropagation in float64 with NumPy, written by hand;
* `agreement`: both, and finite differences of the forward pass, side by side;
* `training`: several samples and steps in both engines;
* `dry_run`: the float64 run that refuses numbers too extreme to compute.
"""
