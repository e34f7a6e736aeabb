"""``python -m lodger``: the same as the ``lodger`` command."""

from lodger.cli import main

raise SystemExit(main())
