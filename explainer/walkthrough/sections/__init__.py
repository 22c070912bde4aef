"""The sections of a walkthrough, one module per part of the step (see `explainer.walkthrough.build`)."""
