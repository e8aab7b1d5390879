from ptlab.cli import main

raise SystemExit(main())
