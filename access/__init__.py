"""Who may see what: accounts, confidentiality levels, the permission check, access requests and grants."""
