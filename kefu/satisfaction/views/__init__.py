"""The satisfaction pages, one module a concern (issue 19): surveys (`surveys`)."""
