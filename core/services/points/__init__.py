"""Points: the rules in force, the append-only ledger, the reward catalogue, redemptions."""
