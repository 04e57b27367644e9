"""Stage 1: scenario YAML becomes a validated model (with positions for every node)."""
