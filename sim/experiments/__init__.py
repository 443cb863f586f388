"""sim/experiments"""
