from cogs.pair_channels.channels import channel_name, slug, topic_marker


def test_names_are_clean_and_unique():
    assert slug("Zoé L'Hôte") == "zoe-lhote"
    assert slug("🦊🦊") == "membre"
    assert slug("A" * 60) == "a" * 24
    assert channel_name("Zoé", "Marc-André", set()) == "zoe-marc-andre"
    assert channel_name("Zoé", "Marc", {"zoe-marc"}) == "zoe-marc-2"
    assert channel_name("Zoé", "Marc", {"zoe-marc", "zoe-marc-2"}) == "zoe-marc-3"


def test_topic_marker_names_the_pair():
    assert topic_marker(42) == "[binome:42]"
