"""Linting: every problem in scenarios, the catalogue and the course plan, collected before reporting."""
