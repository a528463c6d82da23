"""The Service Star selection: set-up, registration, rounds, sources, votes, results."""
