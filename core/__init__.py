"""The ground floor: the toolkit every app builds on (errors, API plumbing, tallies, database helpers).

It imports no app of this project, and no app's code lives here; an import-layer test holds that
(tests/backend/test_layers.py, contracts in pyproject.toml).
"""
