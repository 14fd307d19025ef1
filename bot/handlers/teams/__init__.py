"""Microsoft Teams: botbuilder on our aiohttp app, translating to and from the use cases.

mount.py (POST /api/messages, wiring) -> handler.py (TeamsActivityHandler: inbox
first) -> router.py (after the answer: activity -> neutral event -> use case);
translate.py (pure mappings), actions.py (card buttons), roster.py (members),
references.py (where the bot may write), gateway.py (the ChatGateway port),
auth.py (token validation from MICROSOFT_APP_*), package.py (the app zip).
"""
