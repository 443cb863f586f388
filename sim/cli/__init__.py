"""sim/cli"""
