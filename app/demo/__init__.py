"""The demo chain: `flask demo` (cli.py) runs each feature's loader (its `demo.py`); `demo remove` (remove.py).
What every loader shares about the chain lives here."""

# The demo chain is an Italian retailer: its stores keep Italian time.
DEMO_TIMEZONE = "Europe/Rome"
