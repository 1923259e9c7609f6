"""The matching engine: folding, compiled rule sets and the passes."""
