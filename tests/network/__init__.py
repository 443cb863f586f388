"""Tests of the networked classroom: the class database, the protocol and the server."""
