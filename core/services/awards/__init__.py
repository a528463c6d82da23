"""Award periods as prizes: ranked candidates, winners, frozen snapshots, certificates."""
