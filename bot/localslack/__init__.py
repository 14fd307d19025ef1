"""A local stand-in for Slack on 127.0.0.1: its Web API, and requests signed like Slack's.

Used by `learnlink demo` (a workspace without a Slack account) and by the
tests, so the real AsyncWebClient, Bolt's signature checks and our retry
handling all run over real HTTP against it.
"""
