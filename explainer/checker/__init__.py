"""Checking numbers a person computed by hand: right, wrong, or carried forward — and why.

`claims` reads a claims file; `paper` redoes the step the way a person does,
carrying their own numbers forward or planting a classic slip from the
catalogue in `slips`; `verdicts` judges every claim; `report` writes the table
and the JSON; `annotate` marks each claim beside its derivation in the walkthrough.
"""
