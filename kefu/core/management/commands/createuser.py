from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kefu.core.errors import DomainError
from kefu.core.models import OrgUnit
from kefu.core.roles import ROLES
from kefu.core.services import user_create


class Command(BaseCommand):
    help = "Create a user with one of the nine roles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLES))
        parser.add_argument("--full-name", default="")
        parser.add_argument("--centre", help="code of the user's centre")
        parser.add_argument("--team", help="code of the user's team")
        parser.add_argument("--department", help="code of the user's department")
        parser.add_argument(
            "--password", help="the password (asked for when omitted; avoid on shared shells)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def unit(option: str, kind: str) -> OrgUnit | None:
            code = options[option]
            if not code:
                return None
            found = OrgUnit.objects.filter(code=code, kind=kind).first()
            if found is None:
                raise CommandError(f"no {kind} with code {code!r}")
            return found

        password = options["password"] or getpass.getpass("Password: ")
        try:
            user = user_create(
                username=options["username"],
                password=password,
                role=options["role"],
                full_name=options["full_name"],
                centre=unit("centre", OrgUnit.Kind.CENTRE),
                team=unit("team", OrgUnit.Kind.TEAM),
                department=unit("department", OrgUnit.Kind.DEPARTMENT),
            )
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(f"created {user.username} ({options['role']})")
