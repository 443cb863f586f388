"""sim/classroom"""
