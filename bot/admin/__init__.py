"""The admin dashboard (/admin) and the operational endpoints (/metrics, /readyz).

`bot.web.create_web_app` calls `mount_admin` and `bot.admin.ops.mount_operations`;
everything else in this package is reached from those two.
"""

from __future__ import annotations

from aiohttp import web

from bot.admin.routes import AdminRoutes
from bot.bootstrap import Services


def mount_admin(app: web.Application, services: Services) -> None:
    """Add the /admin routes; they answer 404 'off' until LEARNLINK_ADMIN_TOKEN is set."""
    AdminRoutes(services).register(app)
