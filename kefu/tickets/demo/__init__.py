"""Demo work orders: `setup` loads the policies from the source documents, the dispatch
rules and the standard phrases; `story` tells the orders through the real services."""

from kefu.tickets.demo.setup import POLICIES, load_phrases, load_policies
from kefu.tickets.demo.story import load_tickets

__all__ = ["POLICIES", "load_phrases", "load_policies", "load_tickets"]
