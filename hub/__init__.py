"""The hall hub: the pure queue engine, the SQLite store and the websocket server."""
