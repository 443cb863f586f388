"""The scenario files shipped with the game, one YAML file per scenario."""
