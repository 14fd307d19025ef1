"""Routing use cases end to end over the real storage, with fakes of our own ports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.bootstrap import Services, bootstrap
from bot.domain.model import QuestionStatus, ReferralState
from bot.handlers.ask import capture_message
from bot.handlers.events import ReactionAdded
from bot.handlers.feedback import record_reaction, resolve_question, respond_to_ask
from bot.handlers.people_import import import_people
from bot.handlers.routing import advance_open_questions
from bot.rendering.callbacks import ReferralAction
from bot.rendering.views import ExpertAsk
from tests.conftest import make_settings
from tests.fakes.chat import FakeClock, FakeGateway
from tests.handlers.conftest import WEDNESDAY_10_UTC, World, message


async def referrals(services: Services, question_id: int) -> list[tuple[str, str]]:
    async with services.uow() as uow:
        people = {p.id: p.name for p in await uow.people.list()}
        return [
            (people[r.person_id], r.state) for r in await uow.referrals.for_question(question_id)
        ]


async def test_a_channel_question_reaches_the_right_expert(world: World) -> None:
    services, gateway, _ = world
    captured = await capture_message(
        services.context, message("How do I import an existing bucket into terraform state?")
    )
    assert captured.outcome == "question" and captured.question_id
    assert gateway.asked() == ["UTF"] or gateway.asked() == ["UTF2"]
    ask = gateway.directs()[0].view
    assert isinstance(ask, ExpertAsk)
    assert "terraform" in ask.question_text and ask.permalink and "terraform" in ask.reason
    assert [b.label for b in ask.buttons] == ["I can help", "Not me", "Not now"]
    note = [m for m in gateway.sent if m.kind == "ephemeral"]
    assert note and note[0].targets == ("CPLAT", "UASK")
    assert "asked 1 person who know about terraform" in note[0].view.text  # type: ignore[union-attr]
    states = await referrals(services, captured.question_id)
    assert ("Asker", "asked") not in states and states[0][1] == "asked"
    assert {name for name, _ in states} <= {"Tess Terraform", "Tom Terraform"}


async def test_chit_chat_is_not_routed_but_an_explicit_ask_is(world: World) -> None:
    services, gateway, _ = world
    assert (await capture_message(services.context, message("lunch anyone?"))).outcome == "ignored"
    explicit = message("terraform state locking", ts="100.2", explicit=True, source="command")
    assert (await capture_message(services.context, explicit)).outcome == "question"
    assert len(gateway.directs()) == 1


async def test_the_same_message_twice_is_one_question_and_one_dm(world: World) -> None:
    services, gateway, _ = world
    first = await capture_message(
        services.context, message("Anyone know how to rotate terraform cloud tokens?")
    )
    again = await capture_message(
        services.context, message("Anyone know how to rotate terraform cloud tokens?")
    )
    assert again.outcome == "duplicate" and again.question_id == first.question_id
    assert len(gateway.directs()) == 1


async def test_decline_moves_on_and_teaches_the_index(world: World) -> None:
    services, gateway, _ = world
    ctx = services.context
    captured = await capture_message(ctx, message("How do I split a big terraform module?"))
    first = gateway.asked()[0]
    referral_id = gateway.directs()[0].view.referral_id  # type: ignore[union-attr]
    reply = await respond_to_ask(ctx, "slack", first, ReferralAction(referral_id, "decline"))
    assert "won't ask you about this again" in reply.text
    second = gateway.asked()[1]
    assert second != first and second in {"UTF", "UTF2"}
    assert (
        await respond_to_ask(ctx, "slack", first, ReferralAction(referral_id, "accept"))
    ).text.startswith("You already")
    states = dict(await referrals(services, captured.question_id or 0))
    assert ReferralState.DECLINED in states.values()
    async with services.uow() as uow:
        person = await uow.people.by_identity("slack", first)
        kinds = [e.kind for e in await uow.evidence.for_person(person.id)]  # type: ignore[union-attr, arg-type]
    assert "not_me" in kinds


async def test_someone_else_cannot_answer_an_ask(world: World) -> None:
    services, gateway, _ = world
    await capture_message(services.context, message("terraform plan shows drift, why?"))
    referral_id = gateway.directs()[0].view.referral_id  # type: ignore[union-attr]
    reply = await respond_to_ask(
        services.context, "slack", "UFIG", ReferralAction(referral_id, "accept")
    )
    assert "meant for someone else" in reply.text


async def test_accept_posts_in_the_thread_and_stops_asking(world: World) -> None:
    services, gateway, clock = world
    ctx = services.context
    await capture_message(ctx, message("how do I taint a terraform resource?"))
    expert = gateway.asked()[0]
    referral_id = gateway.directs()[0].view.referral_id  # type: ignore[union-attr]
    await respond_to_ask(ctx, "slack", expert, ReferralAction(referral_id, "accept"))
    thread = [m for m in gateway.sent if m.kind == "post"]
    assert thread and thread[0].thread_id == "100.1" and f"<@{expert}>" in thread[0].view.text  # type: ignore[union-attr]
    clock.advance(hours=3)
    assert await advance_open_questions(ctx) == 0
    assert len(gateway.directs()) == 1


async def test_timeout_asks_the_next_then_falls_back_to_the_channel(tmp_path: Path) -> None:
    clock = FakeClock(WEDNESDAY_10_UTC)
    settings = make_settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'fb.db'}",
        LEARNLINK_ROUTING__ASKS_AT_ONCE="1",
        LEARNLINK_ROUTING__FALLBACK_CHANNEL="CHELP",
    )
    services = await bootstrap(settings, clock=clock)
    rows = [
        (2, {"name": n, "slack_user_id": u, "knows": k})
        for n, u, k in [("Asker", "UASK", ""), ("A", "UA", "terraform"), ("B", "UB", "terraform")]
    ]
    async with services.uow() as uow:
        await import_people(uow, rows)
    async with services.uow() as uow:
        await services.context.expertise.rebuild(uow)
    gateway = FakeGateway()
    services.context.gateways = {"slack": gateway}
    try:
        captured = await capture_message(
            services.context, message("terraform import fails, ideas?")
        )
        assert len(gateway.asked()) == 1
        clock.advance(minutes=59)
        assert await advance_open_questions(services.context) == 0
        clock.advance(minutes=2)
        assert await advance_open_questions(services.context) == 1
        assert sorted(gateway.asked()) == ["UA", "UB"]
        clock.advance(minutes=61)
        await advance_open_questions(services.context)
        posts = [m for m in gateway.sent if m.kind == "post"]
        assert posts and posts[0].targets == ("CHELP",) and "terraform" in posts[0].view.text  # type: ignore[union-attr]
        async with services.uow() as uow:
            question = await uow.questions.get(captured.question_id or 0)
            assert question is not None and question.status == QuestionStatus.FALLBACK
        await advance_open_questions(services.context)
        assert len([m for m in gateway.sent if m.kind == "post"]) == 1
    finally:
        await services.close()


async def test_working_hours_queue_until_the_expert_day_starts(world: World) -> None:
    services, gateway, clock = world
    ctx = services.context
    # 10:00 UTC is 21:00 in Sydney: the postgres expert is asked tomorrow morning
    captured = await capture_message(ctx, message("Why is my postgresql vacuum so slow?"))
    assert gateway.asked() == []
    assert "when their day starts" in gateway.sent[-1].view.text  # type: ignore[union-attr]
    clock.current = datetime(2026, 3, 4, 21, 59, tzinfo=UTC)  # 08:59 in Sydney
    assert await advance_open_questions(ctx) == 0
    clock.current = datetime(2026, 3, 4, 22, 1, tzinfo=UTC)  # 09:01 in Sydney
    assert await advance_open_questions(ctx) == 1
    assert gateway.asked() == ["USYD"]
    assert captured.question_id


async def test_urgent_questions_skip_working_hours_not_quiet_hours(world: World) -> None:
    services, gateway, clock = world
    clock.current = datetime(2026, 3, 4, 8, 0, tzinfo=UTC)  # 19:00 in Sydney: after work
    from bot.handlers import ask

    captured = await ask.capture_message(
        services.context, message("postgresql replica lag, anyone?", ts="5.5")
    )
    async with services.uow() as uow:
        question = await uow.questions.get(captured.question_id or 0)
        assert question is not None
        question.urgent = True
        await uow.commit()
    from bot.handlers.routing import advance

    await advance(services.context, captured.question_id or 0)
    assert gateway.asked() == ["USYD"]


async def test_answers_and_the_askers_check_mark_resolve(world: World) -> None:
    services, _gateway, _ = world
    ctx = services.context
    captured = await capture_message(ctx, message("how do I roll back a helm release?"))
    reply = message("helm rollback RELEASE REVISION", ts="100.5", user_id="UK8S", thread_id="100.1")
    assert (await capture_message(ctx, reply)).outcome == "answer"
    follow_up = message("thanks, trying", ts="100.6", thread_id="100.1")
    assert (await capture_message(ctx, follow_up)).outcome == "ignored"
    check = ReactionAdded("slack", "T1", "CPLAT", "100.5", "UASK", "white_check_mark")
    assert await record_reaction(ctx, check) == "resolved"
    async with services.uow() as uow:
        question = await uow.questions.get(captured.question_id or 0)
        assert question is not None and question.status == QuestionStatus.RESOLVED
        kim = await uow.people.by_identity("slack", "UK8S")
        kinds = sorted(e.kind for e in await uow.evidence.for_person(kim.id))  # type: ignore[union-attr, arg-type]
    assert kinds == ["answer", "resolved_answer"]
    again = await resolve_question(ctx, "slack", "UASK", captured.question_id or 0)
    assert "already resolved" in again.text


async def test_private_channel_questions_do_not_leak_their_text(world: World) -> None:
    services, gateway, _ = world
    secret = "How do I terraform the acquisition-target VPC before the deal is announced?"
    await capture_message(services.context, message(secret, channel_is_private=True))
    ask = gateway.directs()[0].view
    assert isinstance(ask, ExpertAsk)
    assert "acquisition" not in ask.question_text and ask.permalink is None
    assert "terraform" in ask.question_text and "private channel" in ask.question_text


async def test_daily_cap_and_load_spread(world: World) -> None:
    services, gateway, clock = world
    ctx = services.context
    questions = [
        "how do terraform workspaces differ from branches?",
        "terraform provider version pinning best practice?",
        "how to test terraform modules?",
        "terraform remote state in s3, how?",
    ]
    for n, text in enumerate(questions):
        await capture_message(ctx, message(text, ts=f"200.{n}"))
        clock.advance(hours=2, minutes=1)
    asked = gateway.asked()
    assert len(asked) == 4
    assert asked.count("UTF") <= 3 and asked.count("UTF2") <= 3
    assert {"UTF", "UTF2"} <= set(asked)  # load is spread over both terraform people


async def test_opted_out_paused_and_deactivated_people_are_never_asked(world: World) -> None:
    services, gateway, clock = world
    async with services.uow() as uow:
        tess = await uow.people.by_identity("slack", "UTF")
        tom = await uow.people.by_identity("slack", "UTF2")
        assert tess and tom
        tess.opted_out = True
        tom.paused_until = clock.now() + timedelta(days=14)
        await uow.commit()
    await capture_message(services.context, message("terraform state mv syntax?"))
    assert not {"UTF", "UTF2"} & set(gateway.asked())
