"""Lodger's composition root: the ``lodger`` command line, above ``app/``, ``engine/`` and ``indexing/``.

``engine/`` (questions to answers) and ``indexing/`` (files to stores) never import this package
or Qt; ``app/`` (the desktop app) does not import it either. The import-linter contracts in
``pyproject.toml`` say so, and ``make lint`` and the tests check them.
"""
