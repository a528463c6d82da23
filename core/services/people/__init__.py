"""People and cards: admin accounts, branches, employees, their photos, cards and links."""
