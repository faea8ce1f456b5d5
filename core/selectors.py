"""What the home page lists: the work that awaits this person, from each feature."""


def home_sections(user) -> list[dict]:
    """Each section is {"title", "rows", "empty"}; features add theirs in incidents.selectors."""
    from incidents.selectors import home_sections_for

    return home_sections_for(user)
