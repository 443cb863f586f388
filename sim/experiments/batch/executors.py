"""Where a batch's chunks are played: this process, local processes, or a Dask cluster.

All three are ``concurrent.futures`` executors, so the runner drives them the same way
(Dask through ``Client.get_executor``). Local worker processes are forked from a
forkserver that has imported the engine once: they start in milliseconds, and unlike a
plain fork they never inherit the parent's threads (the progress bar's, the pool's
own). Workers ignore Ctrl-C — the parent decides what an interrupt means — and end when
the parent does, however it ended.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager

from sim.experiments.batch import BatchError

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
"""The environment variable that names a Dask scheduler when ``--scheduler`` does not."""
CONNECT_TIMEOUT = "distributed.comm.timeouts.connect"
"""Dask's option for how long reaching a scheduler may take (30 s unless configured)."""


def local_cores() -> int:
    """How many cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class InProcess(Executor):
    """Plays each job when it is submitted, in this process (``--jobs 1``)."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """Run ``fn`` now; the returned future holds its result or exception."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future


@contextmanager
def open_executor(jobs: int | None, scheduler: str | None) -> Iterator[tuple[Executor, int]]:
    """An executor for a batch and how many chunks it plays at once.

    Args:
        jobs: Local worker processes; 1 plays in this process; None uses every core.
        scheduler: The address of a Dask scheduler (``tcp://host:8786``); it wins over
            ``jobs``.

    Raises:
        BatchError: if the Dask scheduler cannot be reached.
    """
    if scheduler:
        with _dask(scheduler) as found:
            yield found
        return
    jobs = jobs or local_cores()
    if jobs == 1:
        yield InProcess(), 1
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sim.experiments.batch.games"])
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker)
    try:
        yield pool, jobs
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _dask(address: str) -> Iterator[tuple[Executor, int]]:
    import dask
    from dask.utils import parse_timedelta
    from distributed import Client
    from distributed.comm.core import CommClosedError

    seconds = parse_timedelta(dask.config.get(CONNECT_TIMEOUT), default="seconds")
    _greet(address, seconds)
    with _quiet_dask():
        try:
            client = Client(address, timeout=seconds)
        except (OSError, TimeoutError, ValueError) as error:
            raise BatchError(f"cannot reach the Dask scheduler at {address}: {error}") from None
        try:
            executor = client.get_executor(pure=False)
            try:
                yield executor, max(sum(client.nthreads().values()), 1)
            except (CancelledError, CommClosedError, TimeoutError) as error:
                raise BatchError(
                    f"lost the Dask scheduler at {address} during the batch "
                    f"({type(error).__name__})"
                ) from None
            executor.shutdown(wait=False)
        finally:
            client.close()


def _greet(address: str, seconds: float) -> None:
    """Connect to the scheduler and exchange distributed's handshake, within ``seconds``.

    ``distributed.comm.connect`` bounds the connection by its timeout but then waits for
    the peer's handshake without one: a port that accepts and never answers would hang a
    ``Client`` for good. This bounds the whole exchange, so the ``Client`` made next
    only ever talks to something that has answered as a Dask scheduler.

    Raises:
        BatchError: if the address is not one, or nothing answers in time.
    """
    from distributed.comm import connect
    from distributed.security import Security

    async def greet() -> None:
        # The client's TLS settings from Dask's config, as the Client itself would use them.
        options = Security().get_connection_args("client")
        comm = await asyncio.wait_for(connect(address, timeout=seconds, **options), seconds)
        await comm.close()

    try:
        asyncio.run(greet())
    except ValueError as error:
        raise BatchError(
            f"--scheduler {address!r} is not a Dask scheduler's address ({error}); "
            "write tcp://HOST:PORT"
        ) from None
    except (TypeError, ImportError) as error:  # tls:// without TLS settings, ucx:// without UCX
        raise BatchError(
            f"--scheduler {address!r}: Dask cannot connect there as it is set up ({error})"
        ) from None
    except (OSError, TimeoutError) as error:
        detail = f": {error}" if str(error) else ""
        raise BatchError(
            f"cannot reach the Dask scheduler at {address}: no answer within {seconds:g} s"
            f"{detail} (Dask's {CONNECT_TIMEOUT} sets how long to wait)"
        ) from None


@contextmanager
def _quiet_dask() -> Iterator[None]:
    """Keep distributed's log records off the terminal while the batch uses the client.

    A lost scheduler makes the client log tracebacks to stderr, over the progress bar;
    the batch reports the loss itself, in one line.
    """
    handlers = logging.getLogger("distributed").handlers
    for handler in handlers:
        handler.addFilter(_drop)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(_drop)


def _drop(record: logging.LogRecord) -> bool:
    return False


def _start_worker() -> None:
    """Ignore Ctrl-C, and end with the batch process even if it is killed outright.

    A pool's workers outlive a parent killed with SIGKILL: they would play on for nobody.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    batch = multiprocessing.parent_process()
    if batch is not None:
        threading.Thread(target=_end_with, args=(batch,), daemon=True).start()


def _end_with(batch: multiprocessing.process.BaseProcess) -> None:
    batch.join()  # returns when the parent's sentinel closes: it has ended
    os._exit(1)
