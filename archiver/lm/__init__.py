"""The character model: how plausible a string is as Chinese."""

from archiver.lm.model import CharModel, get_model

__all__ = ["CharModel", "get_model"]
