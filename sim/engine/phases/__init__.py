"""sim/engine/phases"""
