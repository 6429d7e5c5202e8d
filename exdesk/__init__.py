"""Exception Desk: operational exceptions in distribution, handled by governed agents."""
