"""Exercise sheets: fresh networks with nice numbers (`generate`), as problem and solution
sheets and an answer key (`sheets`)."""
