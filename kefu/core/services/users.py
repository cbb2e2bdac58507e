"""Users and their roles: the role groups, new users (one by one or by an import), their
changes and their own password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kefu.core.errors import Invalid
from kefu.core.models import OrgUnit, User
from kefu.core.roles import ADMIN, ROLES
from kefu.core.services.audit import audit_record, snapshot
from kefu.core.validation import check_lengths


def roles_sync(*, using: str = "default") -> None:
    """Make each role's group hold exactly the permissions of `kefu.core.roles.ROLES`."""
    wanted = {perm for role in ROLES.values() for perm in role.permissions}
    by_name = {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in Permission.objects.using(using).select_related("content_type")
    }
    missing = wanted - by_name.keys()
    if missing:
        raise RuntimeError(f"permissions missing from the database: {sorted(missing)}")
    with transaction.atomic(using=using):
        for role in ROLES.values():
            group, _created = Group.objects.using(using).get_or_create(name=role.code)
            group.permissions.set([by_name[name] for name in sorted(role.permissions)])


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    centre: OrgUnit | None = None,
    team: OrgUnit | None = None,
    department: OrgUnit | None = None,
    employee_number: str = "",
    phone: str = "",
    is_active: bool = True,
    password_hash: str = "",
    actor: User | None = None,
) -> User:
    """A user with one role. `password_hash`, when given, is stored instead of hashing
    `password` (an import's generated first passwords, `first_password_hash`)."""
    if role not in ROLES:
        raise Invalid(_("Unknown role."), code="role_unknown", detail={"role": role})
    if User.objects.filter(username=username).exists():
        raise Invalid(_("This username is taken."), code="username_taken")
    user = User(
        username=username,
        full_name=full_name,
        centre=centre,
        team=team,
        department=department,
        employee_number=employee_number,
        phone=phone,
        is_active=is_active,
        is_staff=role == ADMIN,
        is_superuser=role == ADMIN,
    )
    if password_hash:
        user.password = password_hash
    else:
        user.set_password(password)
    check_lengths(user)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    audit_record(
        actor=actor,
        action="user.create",
        obj=user,
        after={"username": username, "role": role, "centre": centre.pk if centre else None},
    )
    return user


# A generated first password is 14 characters drawn from 54 (80 bits): no guessing finds
# it, however cheap its hash, so it is hashed with few rounds, and Django hashes it again
# with the full rounds at the first sign-in (the hasher's `must_update`). A thousand new
# users are then created in seconds, not the quarter of an hour a full hash each takes.
FIRST_PASSWORD_ITERATIONS = 1000


def first_password_hash(password: str) -> str:
    """The stored form of a generated (random, 80-bit) first password."""
    hasher = get_hasher()
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=FIRST_PASSWORD_ITERATIONS)
    return make_password(password)


USER_FIELDS = ["full_name", "employee_number", "phone", "team", "department", "is_active"]


@transaction.atomic
def user_update(
    *,
    actor: User | None,
    user: User,
    full_name: str,
    employee_number: str,
    phone: str,
    role: str,
    team: OrgUnit | None,
    department: OrgUnit | None,
    is_active: bool,
) -> dict[str, tuple[Any, Any]]:
    """Change a user's name, numbers, role, team, department and whether they may sign in;
    never their password. What changed, as {field: (before, after)} ("role" for the role)."""
    if role not in ROLES:
        raise Invalid(_("Unknown role."), code="role_unknown", detail={"role": role})
    wanted = {
        "full_name": full_name,
        "employee_number": employee_number,
        "phone": phone,
        "team": team,
        "department": department,
        "is_active": is_active,
    }
    changes: dict[str, tuple[Any, Any]] = {
        name: (getattr(user, name), value)
        for name, value in wanted.items()
        if getattr(user, name) != value
    }
    before = snapshot(user, USER_FIELDS)
    old_role = user.role
    if old_role != role:
        changes["role"] = (old_role, role)
    if not changes:
        return changes
    for name, value in wanted.items():
        setattr(user, name, value)
    user.is_staff = user.is_superuser = role == ADMIN
    check_lengths(user)
    user.save(update_fields=[*USER_FIELDS, "is_staff", "is_superuser"])
    if old_role != role:
        user.groups.remove(*Group.objects.filter(name__in=list(ROLES)))
        user.groups.add(Group.objects.get(name=role))
        user.role = role
    audit_record(
        actor=actor,
        action="user.update",
        obj=user,
        before={**before, "role": old_role},
        after={**snapshot(user, USER_FIELDS), "role": role},
    )
    return changes


@transaction.atomic
def user_password_change(*, actor: User, password: str) -> None:
    """The user sets a new password of their own (checked against the password policy by
    the form); their API tokens end with the old one (`User.save`)."""
    actor.set_password(password)
    actor.save(update_fields=["password"])
    audit_record(actor=actor, action="user.password_change", obj=actor)
