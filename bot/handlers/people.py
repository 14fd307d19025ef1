"""People as the chat platforms describe them: find or create, keep in sync."""

from __future__ import annotations

from bot.domain.model import Person, Workspace
from bot.domain.ports import UnitOfWork
from bot.handlers.events import ChatUser


async def person_for(uow: UnitOfWork, platform: str, user_id: str) -> Person:
    """The person behind a platform user id, created bare if we never saw them.

    Adapters sync names and timezones from the platform (users.info,
    TeamsInfo); this only guarantees a row exists so nothing is dropped.
    """
    found = await uow.people.by_identity(platform, user_id)
    if found is not None:
        return found
    person = await uow.people.add(Person(name=user_id))
    await uow.people.link(person, platform, user_id)
    return person


async def sync_user(uow: UnitOfWork, user: ChatUser, *, link_by_email: bool) -> Person:
    """Upsert a person from the platform's profile (team_join, user_change, users.info)."""
    person = await uow.people.by_identity(user.platform, user.user_id)
    email = user.email.lower() if user.email else None
    if person is None and link_by_email and email:
        person = await uow.people.by_email(email)
    if person is None:
        person = await uow.people.add(Person(name=user.name))
    workspace = await uow.workspaces.get_or_create(user.platform, user.workspace_id)
    await _link(uow, person, user, workspace)
    person.name = user.name or person.name
    if email and (person.email in (None, email) or not link_by_email):
        person.email = email if await _email_free(uow, email, person) else person.email
    person.timezone = user.timezone or person.timezone
    person.team = user.team or person.team
    person.is_bot, person.is_guest = user.is_bot, user.is_guest
    person.is_admin, person.deactivated = user.is_admin, user.deactivated
    return person


async def _link(uow: UnitOfWork, person: Person, user: ChatUser, workspace: Workspace) -> None:
    identity = await uow.people.link(person, user.platform, user.user_id)
    identity.workspace_id = workspace.id


async def _email_free(uow: UnitOfWork, email: str, person: Person) -> bool:
    owner = await uow.people.by_email(email)
    return owner is None or owner.id == person.id
