"""core/: the domain, pure. Values in, values out; the time (`now`) is passed in.

Models and their field rules, ids, periods, days and half-days, scheduling rules,
triage, search, folded record state, learning paths, retention, checks, report
figures, and every French label table (labels.py). May import: core only.
"""
