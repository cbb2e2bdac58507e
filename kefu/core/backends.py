from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from kefu.core.roles import ROLES


class RoleBackend(ModelBackend):
    """A user may do what their role allows, as `kefu.core.roles.ROLES` says.

    The role is the user's group; its permissions are read from the code table, which
    `roles_sync` also writes to the database after every migrate. Reading them from code
    saves every API request its permission queries.
    """

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        role = ROLES.get(user_obj.role or "")
        return set(role.permissions) if role else set()

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return self.get_group_permissions(user_obj, obj)
