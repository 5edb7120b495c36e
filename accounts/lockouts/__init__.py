"""Sign-in lockouts (django-axes underneath): the client address behind KAM's trusted proxies,
the per-address limit beside axes' per-username-and-address one, and the admin page that shows
and lifts them."""
