"""Each idempotency key sent once, through the deliveries table.

Before a message goes out its key is claimed (a unique row, committed first);
a second send with the same key, from a redelivered activity, a repeated
routing pass or another replica, finds the claim and sends nothing. If the
send fails, the claim is released so a later retry may send it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.domain.model import Delivery
from bot.domain.ports import Clock, UnitOfWork
from bot.handlers.gateway import Sent

log = logging.getLogger("learnlink.deliveries")


class Once:
    def __init__(self, platform: str, uow: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._platform = platform
        self._uow = uow
        self._clock = clock

    async def __call__(self, key: str, send: Callable[[], Awaitable[Sent]]) -> Sent:
        """Run `send` unless `key` was claimed before; then return where it landed."""
        claimed, earlier = await self._claim(key)
        if not claimed:
            log.info("not sending %s again", key)
            return earlier
        try:
            sent = await send()
        except BaseException:
            await self._release(key)
            raise
        await self._record(key, sent)
        return sent

    async def _claim(self, key: str) -> tuple[bool, Sent]:
        async with self._uow() as uow:
            delivery = Delivery(key=key, platform=self._platform, sent_at=self._clock.now())
            if await uow.deliveries.claim(delivery):
                await uow.commit()
                return True, Sent("", "")
            earlier = await uow.deliveries.get(key)
            # In flight elsewhere when channel and message are not recorded yet.
            return False, Sent(
                (earlier and earlier.channel) or "", (earlier and earlier.message_id) or ""
            )

    async def _release(self, key: str) -> None:
        async with self._uow() as uow:
            await uow.deliveries.release(key)
            await uow.commit()

    async def _record(self, key: str, sent: Sent) -> None:
        async with self._uow() as uow:
            delivery = await uow.deliveries.get(key)
            if delivery is not None:
                delivery.channel, delivery.message_id = sent.channel, sent.message_id
                await uow.commit()
