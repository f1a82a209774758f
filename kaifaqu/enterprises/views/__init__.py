"""Enterprise and roster pages; `urls.py` imports the modules."""
