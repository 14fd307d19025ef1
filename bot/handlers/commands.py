"""`/learnlink SUBCOMMAND ...` (Slack) and personal-chat commands (Teams), one router.

Each subcommand is a small async function taking the invocation and the rest
of the text; wrong arguments raise UsageError, which becomes a friendly reply
showing the right usage. Both platforms call `run_command` with plain text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from bot.domain.model import TopicKind
from bot.handlers import profile
from bot.handlers.ask import capture_message, channel_mode_set
from bot.handlers.context import Context
from bot.handlers.directory import find_experts
from bot.handlers.events import CommandInvoked, MessagePosted
from bot.handlers.gateway import View
from bot.handlers.home import home_view
from bot.handlers.profile import UsageError
from bot.handlers.programs import pairing_command
from bot.handlers.stats import stats
from bot.rendering.views import Notice

Handler = Callable[[Context, CommandInvoked, str], Awaitable[View]]
USAGE = (
    "`experts TOPIC` — who knows about a topic",
    "`ask QUESTION` — route a question to people who know",
    "`skills add|remove|list [TOPICS]` — what you know (comma-separated)",
    "`learn add|remove|list [TOPICS]` — what you want to learn",
    "`profile` — edit your skills, interests, timezone and hours",
    "`pause 2w` / `resume` — take a break from asks and pairing",
    "`optout` / `optin` — stop or restart taking part",
    "`forget-me` — delete everything Learnlink holds about you",
    "`channel capture on|off|suggest-only` — how this channel's questions are handled (admins)",
    "`pairing skip|leave|join NAME`, `pairing avoid @someone` — take part in learning pairs",
    "`pairing start|list|pause|resume|stop|preview` — run pairing programmes (admins)",
    "`stats` — how Learnlink is doing (admins)",
    "`help` — this list",
)


@dataclass(frozen=True)
class Route:
    handler: Handler
    usage: str
    admin_only: bool = False


async def run_command(ctx: Context, invocation: CommandInvoked) -> View:
    """Parse and run one command; never raises for bad input."""
    name, _, rest = " ".join(invocation.text.split()).partition(" ")
    route = ROUTES.get(name.lower())
    if route is None:
        lead = f"I don't know `{name[:40]}`. " if name else ""
        return Notice(f"{lead}Here is what I can do:", lines=USAGE)
    if route.admin_only and not await is_admin(ctx, invocation):
        return Notice(f"`{name}` is for Learnlink admins only.")
    try:
        return await route.handler(ctx, invocation, rest)
    except UsageError as exc:
        return Notice(f"{exc} Usage: {route.usage}")


async def is_admin(ctx: Context, invocation: CommandInvoked) -> bool:
    if invocation.is_platform_admin or invocation.user_id in ctx.settings.admin.user_ids:
        return True
    async with ctx.uow() as uow:
        person = await uow.people.by_identity(invocation.platform, invocation.user_id)
    return bool(person and person.is_admin)


async def _experts(ctx: Context, inv: CommandInvoked, rest: str) -> View:
    if not rest.strip():
        raise UsageError("Name a topic.")
    if len(rest) > 200:
        raise UsageError("Keep the topic short (at most 200 characters).")
    return await find_experts(ctx, inv.platform, inv.user_id, rest.strip())


async def post_question(ctx: Context, inv: CommandInvoked, text: str) -> MessagePosted:
    """Post the question in the channel for the asker, so answers have a thread."""
    assert inv.channel_id is not None
    gateway = ctx.gateway(inv.platform)
    message_id = f"cmd-{inv.invocation_id}"
    if gateway is not None:
        posted = Notice(f"<@{inv.user_id}> asks:", quotes=(text,))
        sent = await gateway.post(
            inv.workspace_id, inv.channel_id, posted, key=f"ask-post:{inv.invocation_id}"
        )
        message_id = sent.message_id
    return MessagePosted(
        platform=inv.platform,
        workspace_id=inv.workspace_id,
        channel_id=inv.channel_id,
        user_id=inv.user_id,
        text=text,
        message_id=message_id,
        explicit=True,
        source="command",
    )


async def _ask(ctx: Context, inv: CommandInvoked, rest: str) -> View:
    if len(rest.strip()) < 3:
        raise UsageError("Write the question after `ask`.")
    if not inv.channel_id:
        raise UsageError("Ask from a channel so the answer can be shared there.")
    captured = await capture_message(ctx, await post_question(ctx, inv, rest.strip()))
    if captured.outcome in ("question", "duplicate"):
        return Notice("Got it: I'm finding people who know about this.")
    return Notice("I couldn't make a question out of that; try writing it as a full sentence.")


def _topics(kind: str, word: str) -> Handler:
    async def handler(ctx: Context, inv: CommandInvoked, rest: str) -> View:
        verb, _, topics = rest.strip().partition(" ")
        if verb not in ("add", "remove", "list"):
            raise UsageError(f"Say `{word} add`, `{word} remove` or `{word} list`.")
        return await profile.change_topics(ctx, inv.platform, inv.user_id, kind, verb, topics)

    return handler


async def _pause(ctx: Context, inv: CommandInvoked, rest: str) -> View:
    return await profile.pause(ctx, inv.platform, inv.user_id, rest)


async def _resume(ctx: Context, inv: CommandInvoked, rest: str) -> View:
    return await profile.resume(ctx, inv.platform, inv.user_id)


async def _optout(ctx: Context, inv: CommandInvoked, rest: str) -> View:
    return await profile.set_opt_out(ctx, inv.platform, inv.user_id, True)


async def _optin(ctx: Context, inv: CommandInvoked, rest: str) -> View:
    return await profile.set_opt_out(ctx, inv.platform, inv.user_id, False)


async def _forget(ctx: Context, inv: CommandInvoked, rest: str) -> View:
    confirmed = rest.strip().lower() == "confirm"
    if rest.strip() and not confirmed:
        raise UsageError("Send `forget-me` to see what it does, then `forget-me confirm`.")
    return await profile.forget_me(ctx, inv.platform, inv.user_id, confirmed)


async def _profile(ctx: Context, inv: CommandInvoked, rest: str) -> View:
    return await profile.profile_form(ctx, inv.platform, inv.user_id)


async def _home(ctx: Context, inv: CommandInvoked, rest: str) -> View:
    return await home_view(ctx, inv.platform, inv.user_id)


async def _channel(ctx: Context, inv: CommandInvoked, rest: str) -> View:
    words = rest.lower().split()
    if len(words) != 2 or words[0] != "capture" or words[1] not in ("on", "off", "suggest-only"):
        raise UsageError("Say `channel capture on`, `off` or `suggest-only`.")
    if not inv.channel_id:
        raise UsageError("Run this in the channel you want to change.")
    mode = "capture" if words[1] == "on" else words[1]
    await channel_mode_set(ctx, inv.platform, inv.workspace_id, inv.channel_id, mode)
    return Notice(f"Question capture in this channel is now {words[1]}.")


async def _pairing(ctx: Context, inv: CommandInvoked, rest: str) -> View:
    return await pairing_command(ctx, inv, rest, admin=await is_admin(ctx, inv))


async def _stats(ctx: Context, inv: CommandInvoked, rest: str) -> View:
    return await stats(ctx)


async def _help(ctx: Context, inv: CommandInvoked, rest: str) -> View:
    return Notice("Learnlink connects people who have questions with people who know.", USAGE)


ROUTES: dict[str, Route] = {
    "experts": Route(_experts, "`experts TOPIC`"),
    "ask": Route(_ask, "`ask QUESTION`"),
    "skills": Route(_topics(TopicKind.KNOWS, "skills"), "`skills add|remove|list [TOPICS]`"),
    "learn": Route(_topics(TopicKind.WANTS_TO_LEARN, "learn"), "`learn add|remove|list [TOPICS]`"),
    "profile": Route(_profile, "`profile`"),
    "home": Route(_home, "`home`"),
    "pause": Route(_pause, "`pause 2w`"),
    "resume": Route(_resume, "`resume`"),
    "optout": Route(_optout, "`optout`"),
    "optin": Route(_optin, "`optin`"),
    "forget-me": Route(_forget, "`forget-me` then `forget-me confirm`"),
    "channel": Route(_channel, "`channel capture on|off|suggest-only`", admin_only=True),
    "pairing": Route(_pairing, "`pairing start|list|pause|resume|stop|preview|skip|leave|join`"),
    "stats": Route(_stats, "`stats`", admin_only=True),
    "help": Route(_help, "`help`"),
}


def with_text(invocation: CommandInvoked, text: str) -> CommandInvoked:
    """`/ask X` and `/experts X` are `/learnlink ask X` and `/learnlink experts X`."""
    return replace(invocation, text=text)
