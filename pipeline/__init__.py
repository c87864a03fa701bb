"""toolcall-data: a reproducible tool-calling training set with process-supervision targets."""

SCHEMA_VERSION = "2.0.0"
