from django.contrib.auth.backends import ModelBackend
from django.db.models import Q, StringAgg, Value

from accounts.access import ROLES, remember_roles
from accounts.models import User


class RoleAwareBackend(ModelBackend):
    """Django's model backend, loading the signed-in user's KAM roles with the user on every
    request: one query instead of two on every page."""

    def get_user(self, user_id):
        user = (
            User._default_manager.filter(pk=user_id)
            .annotate(
                kam_role_names=StringAgg(
                    "groups__name",
                    delimiter=Value(","),
                    filter=Q(groups__name__in=ROLES),
                    default=Value(""),
                )
            )
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        remember_roles(user, filter(None, user.kam_role_names.split(",")))
        return user
