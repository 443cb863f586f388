"""sim/scenario"""
