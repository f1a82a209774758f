"""Project forms, one module per area."""
