"""sim/results"""
