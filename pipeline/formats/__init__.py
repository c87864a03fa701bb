"""Teacher-text formats: seed, hermes, openai; tolerant call parsing; tool schemas."""

from pipeline.formats.base import Block, Parsed
from pipeline.formats.calls import CallParse, parse_call
from pipeline.formats.ingest import FORMATS, Source, detect_text_format, ingest
from pipeline.formats.openai import FormatError, render_teacher
from pipeline.formats.schema import ToolSchemas

__all__ = [
    "FORMATS",
    "Block",
    "CallParse",
    "FormatError",
    "Parsed",
    "Source",
    "ToolSchemas",
    "detect_text_format",
    "ingest",
    "parse_call",
    "render_teacher",
]
