"""The authorisation walk (issue 15, item 3): every URL of the URL conf and every operation of the
OpenAPI schema, requested as every persona, answered as the permission table and the scoping say.

`pages.py` and `operations.py` map each URL name and each operation id to what it needs (POLICY
actions) and the record it is about; `rules.py` turns a persona, those needs and the record into
the statuses that may come back; `world.py` builds the data and the personas once per module.
docs/development/testing.md says how to add a new endpoint.
"""
