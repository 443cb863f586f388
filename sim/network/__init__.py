"""The networked classroom: one server holds a class of tables, each team on its own laptop."""
