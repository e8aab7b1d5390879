"""Compass directions shared by V-IRL routes and the synthetic city generator."""

ABSOLUTE = ("north", "northeast", "east", "southeast", "south", "southwest", "west", "northwest")


def direction_name(heading: float) -> str:
    """The nearest of the 8 absolute directions (45-degree sectors centred on north)."""
    return ABSOLUTE[int(((heading % 360) + 22.5) // 45) % 8]
