"""The HR admin console: server-rendered pages on the shared aiohttp server."""
