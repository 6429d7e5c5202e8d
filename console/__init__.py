"""The review console: server-rendered pages for reps, ops, finance and compliance."""
