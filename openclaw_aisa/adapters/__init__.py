"""Adapters: the only modules that touch the user's files, the network and subprocesses."""
