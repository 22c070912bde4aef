"""The activations and costs a network can use: the vocabulary every stage shares.

Each function is written once here in every form the project needs: the
SymPy form the symbolic engine derives with, the NumPy form (and derivative)
the numeric core computes with. The spec reader checks names against these
tables; the engines compute with them; the walkthrough writes their formulas.
"""

from explainer.functions.definitions import ACTIVATIONS, COSTS, Activation, Cost

__all__ = ["ACTIVATIONS", "COSTS", "Activation", "Cost"]
