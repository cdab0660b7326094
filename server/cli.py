"""The ``doorstep`` command: serve, migrate, demo, user add, backup, restore, htmx."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from server.settings import Settings
from server.vendor_htmx import REGISTRY


def _settings() -> Settings:
    return Settings.from_env()


async def _migrate(settings: Settings) -> None:
    from server.db import ensure_dirs, migrate
    from server.entries.kinds import visit_tally

    ensure_dirs(settings)
    await migrate(settings)
    await visit_tally.ensure_zone(settings.time_zone)


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply pending migrations (once, under a lock)."""
    asyncio.run(_migrate(_settings()))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the app with uvicorn."""
    import uvicorn

    from server.db import lock_file

    settings = _settings()
    if settings.migrate_on_start:
        asyncio.run(_migrate(settings))
    guard = None
    if not settings.is_postgres:
        try:
            guard = lock_file(settings.sqlite_path.with_suffix(".serve.lock"))
        except BlockingIOError:
            print(
                f"Another doorstep process is serving {settings.sqlite_path}. "
                "SQLite allows one app process; use PostgreSQL to run several.",
                file=sys.stderr,
            )
            return 1
    host = args.host or settings.host
    port = args.port or settings.port
    print(f"Doorstep on http://{host}:{port}/", flush=True)
    try:
        uvicorn.run(
            "server.app:create_app",
            factory=True,
            host=host,
            port=port,
            proxy_headers=True,
            forwarded_allow_ips=args.forwarded_allow_ips,
            log_level=args.log_level,
        )
    finally:
        if guard is not None:
            guard.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Load the demo data (idempotent) and print the logins."""
    from server import demo

    settings = _settings()

    async def run() -> bool:
        await _migrate(settings)
        return await demo.load(args.password)

    made = asyncio.run(run())
    print("Demo data loaded." if made else "Demo data already present; nothing added.")
    print(demo.summary(args.password))
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    """Create an account."""
    from server.accounts import service

    password = args.password or getpass.getpass("Password: ")

    async def run() -> int:
        await _migrate(_settings())
        area_ids = await service.area_ids_by_name(args.area or [])
        return await service.create_account(
            args.username,
            password,
            display_name=args.name or args.username,
            role=args.role,
            area_ids=area_ids,
        )

    try:
        account_id = asyncio.run(run())
    except service.UnknownArea as error:
        print(f"No area named {error}.", file=sys.stderr)
        return 1
    print(f"Created account {args.username} (id {account_id}).")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Write a consistent copy of the database and the attachments."""
    from server.backup import backup

    print(backup(_settings(), args.output))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the database with a backup (the sync epoch changes)."""
    from server.backup import restore

    restore(_settings(), args.path)
    print("Restored. Phones will pull everything again and re-send what they kept.")
    return 0


def cmd_htmx(args: argparse.Namespace) -> int:
    """Download htmx from the npm registry, check its SRI hash and keep it for the app to serve."""
    from server import vendor_htmx

    try:
        target = vendor_htmx.install(_settings(), args.registry)
    except vendor_htmx.IntegrityError as error:
        print(f"Refused: {error}", file=sys.stderr)
        return 1
    print(f"Wrote {target}.")
    print(f"Serve it with HTMX_URL={vendor_htmx.URL_PATH} (HTMX_INTEGRITY unchanged).")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line."""
    top = argparse.ArgumentParser(prog="doorstep", description="Doorstep field work app")
    sub = top.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the app")
    serve.add_argument("--host", help="default: HOST, else 127.0.0.1")
    serve.add_argument("--port", type=int, help="default: PORT, else 8000")
    serve.add_argument("--log-level", default="info")
    serve.add_argument(
        "--forwarded-allow-ips", default="127.0.0.1", help="proxies trusted for X-Forwarded-*"
    )
    serve.set_defaults(func=cmd_serve)
    sub.add_parser("migrate", help="apply migrations").set_defaults(func=cmd_migrate)
    demo = sub.add_parser("demo", help="load demo data")
    demo.add_argument("--password", default="doorstep")
    demo.set_defaults(func=cmd_demo)
    user = sub.add_parser("user", help="manage accounts").add_subparsers(
        dest="action", required=True
    )
    add = user.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--name")
    add.add_argument(
        "--role", default="volunteer", choices=["volunteer", "leader", "coordinator", "admin"]
    )
    add.add_argument("--area", action="append", help="coordinator's area name (repeatable)")
    add.add_argument("--password", help="prompted for when omitted")
    add.set_defaults(func=cmd_user_add)
    backup = sub.add_parser("backup", help="write a consistent backup")
    backup.add_argument("--output", help="folder for the backup (default DATA_DIR/backups)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup written by 'backup'")
    restore.add_argument("path")
    restore.set_defaults(func=cmd_restore)
    htmx = sub.add_parser("htmx", help="download htmx for the app to serve (no CDN)")
    htmx.add_argument(
        "--registry",
        default=REGISTRY,
        help="npm registry or mirror, e.g. https://registry.npmmirror.com",
    )
    htmx.set_defaults(func=cmd_htmx)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
