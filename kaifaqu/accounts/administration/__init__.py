"""The three administrators' pages and API (三员分立): accounts, roles and scopes, the history of
every data change. Who may do which is the permission table's (accounts.*)."""
