"""Enterprise and roster forms."""
