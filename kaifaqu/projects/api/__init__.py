"""The projects' REST API, one module per area; config/api_urls.py registers the viewsets."""
