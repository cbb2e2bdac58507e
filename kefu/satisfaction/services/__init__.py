"""The satisfaction app's use cases, one module a concern: the outbox, opt-outs and
replies (`outbound`)."""
