"""`make demo`: the real bot on a local Discord, a scripted community, a whole cycle as an HTML page."""
