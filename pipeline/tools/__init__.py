"""Tool definitions (JSON Schema, OpenAI function format) and their registry."""
