import sys

from claimtrail.cli import main

sys.exit(main())
