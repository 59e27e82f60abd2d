"""The bot process the e2e tests drive: the demo's own (`demo/bot_process.py`), shared by both."""

from demo.bot_process import READY_LINE, BotProcess

__all__ = ["READY_LINE", "BotProcess"]
