"""The activations and costs a network can use: the vocabulary every stage shares.

Each function is written once, in every form the project needs, in one place:
the SymPy form the symbolic engine derives with, the NumPy form (and derivative)
the numeric core computes with, the mpmath form of a person's paper computation
(which the checker redoes), and the LaTeX the walkthrough writes. The spec reader
checks names against these tables; the engines and the checker compute with them;
the walkthrough writes their formulas.
"""

from explainer.functions.activations import ACTIVATIONS, Activation, ActivationLatex
from explainer.functions.costs import COSTS, Cost, CostLatex

__all__ = ["ACTIVATIONS", "COSTS", "Activation", "ActivationLatex", "Cost", "CostLatex"]
