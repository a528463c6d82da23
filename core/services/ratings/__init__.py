"""Customer ratings: submission, verification, identities, aggregates, moderation, follow-ups."""
