from contextvars import ContextVar

# The IP address of the request being served, for audit rows written deep in services.
client_ip_var: ContextVar[str | None] = ContextVar("kefu_client_ip", default=None)
