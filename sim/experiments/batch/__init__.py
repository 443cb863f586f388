"""Batch runs: thousands of seeded all-AI games over a design of scenario parameters.

README.md, "Batch runs". The modules, in the order a batch uses them:

- ``design`` — sweeps and ranges become *cells* (grid, Latin hypercube, Sobol').
- ``plan`` — the scenario every game shares, each cell checked before any game is played,
  one seed per run, and the run indices cut into chunks.
- ``games`` — what a worker does with a chunk: compile each cell's scenario once, play
  its games and turn them into Arrow rows (one per run, and per round on request).
- ``executors`` — in this process, local processes, or a Dask cluster.
- ``store`` — chunks written atomically as they finish, so an interrupted batch resumes
  where it stopped, then joined in run order into the results file.
- ``runner`` — drives the chunks through an executor into the store.
- ``summary`` — agreement rates and mean payoffs from a results file.
"""


class BatchError(Exception):
    """A batch that cannot start, resume or be read; the message says why in plain words."""
