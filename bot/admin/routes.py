"""The /admin routes: the guard, the pages, the CSV downloads, sign-in and sign-out.

Three states, checked on every request under /admin:
- no LEARNLINK_ADMIN_TOKEN: 404 with a page saying the dashboard is off and
  how to turn it on (nothing else, not even the sign-in form);
- no or wrong credentials: 401; browsers get the sign-in form, scripts a
  one-line hint; no figure, name or topic is ever in the body;
- signed in (bearer token or session cookie): the page.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.admin import auth
from bot.admin.csvout import to_csv
from bot.admin.formatting import text
from bot.admin.layout import CONTENT_SECURITY_POLICY, document, empty
from bot.admin.pages import Page, all_pages
from bot.bootstrap import Services

log = logging.getLogger("learnlink.admin")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
FAILED_SIGN_IN_DELAY = 0.3  # seconds; slows down guessing without bothering a person
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
OFF = empty(
    "The admin dashboard is off",
    "<p>Set the environment variable <code>LEARNLINK_ADMIN_TOKEN</code> to a long random "
    "string (for example the output of <code>openssl rand -hex 32</code>) and restart "
    "Learnlink. Then open <code>/admin</code> and sign in with that token, or send it as "
    "<code>Authorization: Bearer TOKEN</code>.</p>",
)


def html(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html", headers=HEADERS)


class AdminRoutes:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.pages = all_pages()

    @property
    def token(self) -> str | None:
        return self.services.settings.secrets.admin_token

    def register(self, app: web.Application) -> None:
        router = app.router
        router.add_get("/admin/login", self.login_form)
        router.add_post("/admin/login", self.login)
        router.add_post("/admin/logout", self.logout)
        router.add_get("/admin", self.guarded(self.home))
        router.add_get("/admin/", self.guarded(self.home))
        router.add_get("/admin/{slug:[a-z]+}.csv", self.guarded(self.csv))
        router.add_get("/admin/{slug:[a-z]+}", self.guarded(self.page))
        router.add_route("*", "/admin/{tail:.*}", self.guarded(self.not_found))

    def guarded(self, handler: Handler) -> Handler:
        async def guard(request: web.Request) -> web.StreamResponse:
            if not self.token:
                return html(document("Dashboard off", OFF, signed_in=False), 404)
            if not self.signed_in(request, self.token):
                return self.refuse(request)
            return await handler(request)

        return guard

    @staticmethod
    def signed_in(request: web.Request, token: str) -> bool:
        if auth.bearer_matches(request.headers.get("Authorization"), token):
            return True
        return auth.session_valid(request.cookies.get(auth.COOKIE), token, time.time())

    def refuse(self, request: web.Request) -> web.Response:
        headers = {"WWW-Authenticate": 'Bearer realm="learnlink-admin"'}
        if "text/html" in request.headers.get("Accept", "") and not request.path.endswith(".csv"):
            response = html(login_page(request.path_qs), 401)
            response.headers.update(headers)
            return response
        return web.Response(
            status=401,
            text="401: send Authorization: Bearer <LEARNLINK_ADMIN_TOKEN>, "
            "or sign in at /admin/login\n",
            headers={**HEADERS, **headers},
        )

    async def home(self, request: web.Request) -> web.StreamResponse:
        return await self.show(self.pages["overview"])

    async def page(self, request: web.Request) -> web.StreamResponse:
        page = self.pages.get(request.match_info["slug"])
        return await self.show(page) if page else await self.not_found(request)

    async def show(self, page: Page[Any]) -> web.Response:
        try:
            report = await self.load(page)
        except (SQLAlchemyError, OSError) as exc:
            return self.database_down(page.title, exc)
        stamp = self.services.clock.now().strftime("%Y-%m-%d %H:%M UTC")
        footer = f"Figures as of {stamp} · CSV at /admin/{page.slug}.csv"
        return html(document(page.title, page.render(report), current=page.slug, footer=footer))

    async def csv(self, request: web.Request) -> web.StreamResponse:
        page = self.pages.get(request.match_info["slug"])
        if page is None:
            return await self.not_found(request)
        try:
            report = await self.load(page)
        except (SQLAlchemyError, OSError) as exc:
            return self.database_down(page.title, exc)
        day = self.services.clock.now().date().isoformat()
        return web.Response(
            text=to_csv(page.table(report)),
            content_type="text/csv",
            charset="utf-8",
            headers={
                **HEADERS,
                "Content-Disposition": f'attachment; filename="learnlink-{page.slug}-{day}.csv"',
            },
        )

    async def load(self, page: Page[Any]) -> Any:
        async with self.services.engine.connect() as connection:
            return await page.load(connection)

    def database_down(self, title: str, exc: Exception) -> web.Response:
        log.error("admin page %s: database error (%s)", title, type(exc).__name__)
        body = empty(
            "The database cannot be reached",
            "<p>Check <code>DATABASE_URL</code> and <code>/readyz</code>, then reload.</p>",
        )
        return html(document(title, body), 503)

    async def not_found(self, request: web.Request) -> web.StreamResponse:
        body = empty("No such page", '<p>Go back to the <a href="/admin">overview</a>.</p>')
        return html(document("Not found", body), 404)

    async def login_form(self, request: web.Request) -> web.StreamResponse:
        if not self.token:
            return html(document("Dashboard off", OFF, signed_in=False), 404)
        if self.signed_in(request, self.token):
            raise web.HTTPSeeOther(auth.safe_next(request.query.get("next")))
        return html(login_page(request.query.get("next")))

    async def login(self, request: web.Request) -> web.StreamResponse:
        if not self.token:
            return html(document("Dashboard off", OFF, signed_in=False), 404)
        try:
            form = await request.post()
        except (UnicodeDecodeError, ValueError):  # not a form a browser would send
            raise web.HTTPBadRequest(text="400: sign in with the form at /admin/login\n") from None
        given, target = form.get("token"), form.get("next")
        target = auth.safe_next(target if isinstance(target, str) else None)
        if not isinstance(given, str) or not auth.token_matches(given.strip(), self.token):
            log.warning("admin sign-in refused from %s", request.remote)
            await asyncio.sleep(FAILED_SIGN_IN_DELAY)
            return html(login_page(target, error="That token is not right."), 401)
        response = web.HTTPSeeOther(target)
        response.set_cookie(
            auth.COOKIE,
            auth.session_cookie(self.token, time.time()),
            max_age=auth.SESSION_SECONDS,
            path=auth.COOKIE_PATH,
            httponly=True,
            samesite="Strict",
            secure=_is_https(request),
        )
        log.info("admin signed in from %s", request.remote)
        raise response

    async def logout(self, request: web.Request) -> web.StreamResponse:
        response = web.HTTPSeeOther("/admin/login")
        response.del_cookie(auth.COOKIE, path=auth.COOKIE_PATH)
        raise response


def login_page(target: str | None, error: str = "") -> str:
    message = f'<p class="error" role="alert">{text(error)}</p>' if error else ""
    form = (
        '<section class="card login"><h1>Sign in</h1>'
        "<p>Enter the admin token (the value of <code>LEARNLINK_ADMIN_TOKEN</code>).</p>"
        f'{message}<form method="post" action="/admin/login">'
        '<label for="token">Admin token</label>'
        '<input id="token" name="token" type="password" autocomplete="current-password" '
        "required autofocus>"
        f'<input type="hidden" name="next" value="{text(auth.safe_next(target))}">'
        '<button class="primary" type="submit">Sign in</button></form></section>'
    )
    return document("Sign in", form, signed_in=False)


def _is_https(request: web.Request) -> bool:
    """Behind a TLS-terminating proxy the scheme arrives in X-Forwarded-Proto."""
    return request.secure or request.headers.get("X-Forwarded-Proto", "").lower() == "https"
