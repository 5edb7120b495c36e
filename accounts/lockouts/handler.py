"""axes' database handler with KAM's second limit: an address that failed
KAM_LOGIN_ADDRESS_FAILURE_LIMIT times within the cool-off window, whatever the usernames, is
refused for everyone. `request.kam_lockout` says which limit refused the sign-in, for the page."""

from axes.handlers.database import AxesDatabaseHandler

from accounts.lockouts.queries import address_is_blocked

BY_ADDRESS = "address"
BY_USER_AND_ADDRESS = "user"


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        if address_is_blocked(request.axes_ip_address):
            request.kam_lockout = BY_ADDRESS
            return True
        if super().is_locked(request, credentials):
            request.kam_lockout = BY_USER_AND_ADDRESS
            return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        # Checked after the failure is recorded, so the failure that reaches the limit is the
        # first one refused, as axes does for its own limit.
        if address_is_blocked(request.axes_ip_address):
            request.kam_lockout = BY_ADDRESS
            request.axes_locked_out = True
            request.axes_credentials = credentials
        elif request.axes_locked_out:
            request.kam_lockout = BY_USER_AND_ADDRESS
