"""The network client: the async protocol client (`client`), playing a seat with a bot over
the network (`play`), and `lunar-race bot` (`cli`)."""
