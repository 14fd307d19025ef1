"""The pairing solver, one step per module; import the public API from `bot.matching.pairing`."""
