"""``python -m kefu.telephony.simulator OUT --days 7 --agents 40 --queues a,b``."""

from kefu.telephony.simulator.output import main

raise SystemExit(main())
