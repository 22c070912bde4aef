"""The walkthrough model: what a reader sees of one step, in which words, with which numbers.

    document = build(explanation, digits=6)        # explainer.walkthrough.build

`build` turns a proven `Explanation` into a `document.Document` of sections,
prose, equations, tables and figures, with every number written to the chosen
digits (`formatting`) in the chosen notation (`notation`, `presets`). The
sections live in `sections/`, one module per part of the step; `context` is
what they share. Nothing here knows a file format: `explainer.output` renders it.
"""
