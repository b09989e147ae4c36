"""Entry script of the frozen app: the same as the `digitpad` console script (digitpad.cli:main)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen app must not re-run main() in a spawned child
    from digitpad.cli import main

    sys.exit(main())
