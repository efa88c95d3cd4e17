"""The network client: the async protocol client (`client`) and playing a seat with a bot
over the network (`play`). It speaks `game.protocol` and never imports the server;
`lunar-race bot` is wired in `game.cli.bot`."""
