"""`python -m bot` is the same as the `learnlink` command."""

from bot.cli import main

main()
