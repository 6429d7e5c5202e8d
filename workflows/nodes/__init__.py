"""The workflow's nodes, grouped by what they do."""
