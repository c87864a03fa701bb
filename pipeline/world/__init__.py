"""The seeded world of an item and the six tools that run in it.

Every tool is a pure function of (world, arguments) and, through the world's
scheduled faults, of the call's position in the session. Tool responses in
generated items are what `execute` returned, so they agree with their calls
by construction, and verify can replay them (`replay`).
"""

from pipeline.world.execute import TOOL_NAMES, execute, replay
from pipeline.world.model import World, WorldError

__all__ = ["TOOL_NAMES", "World", "WorldError", "execute", "replay"]
