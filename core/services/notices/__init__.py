"""Public notice (公示) of results: announcements, finality, objections and their remedies."""
