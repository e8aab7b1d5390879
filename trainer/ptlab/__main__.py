import os
import sys

from ptlab.cli import main

code = main()
if int(os.environ.get("WORLD_SIZE", "1")) > 1:
    # A process of a distributed job ends without the interpreter's finalization: its run
    # folder is written and closed and its process group destroyed (parallel.finish), but
    # objects a library still holds (DeepSpeed's engine, its groups) would be freed while
    # Python shuts down, and a gloo thread still letting go of a tensor then aborts the
    # process (`terminate called without an active exception`, SIGABRT: the launcher fails
    # the job after it succeeded).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
raise SystemExit(code)
