"""The alerts entry of the navigation: everyone signed in has notifications."""


def alerts_navigation(access) -> list[tuple[str, str]]:
    return [("Notifications", "alerts:list")]
