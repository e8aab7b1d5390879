"""Post-Training Lab trainer: environments, SFT and multi-turn PPO, evaluation, export."""

__version__ = "0.1.0"
