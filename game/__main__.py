"""`python -m game` runs the `silicon-shield` command."""

from game.cli import main

raise SystemExit(main())
