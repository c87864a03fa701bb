"""toolcall-data: a reproducible tool-calling training set with process-supervision targets."""

SCHEMA_VERSION = "2.1.0"
# Files of these earlier schema versions are read as they are (2.0.0 lacks the
# world, intent and plan that 2.1.0 adds; the gates that need them skip it).
EARLIER_VERSIONS = ("2.0.0",)
