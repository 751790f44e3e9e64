"""LLM and offline providers: one small protocol, one module per backend."""
