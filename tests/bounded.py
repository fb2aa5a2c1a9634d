"""Running hostile input under a limit: in a forked child with a ceiling on its memory, killed when it takes too long,
so a case that would run without end (or fill the memory) fails its test instead of stopping the suite. A case's
time is the CPU time it spent, not the wall clock: on a busy machine (CI shares one) a case that takes 0.09 s of CPU
has been seen to take 1.01 s of wall time."""
import multiprocessing
import resource
import time
from dataclasses import dataclass

LIMIT_SECONDS = 1.0     # CPU time a case may take
WAIT_SECONDS = 5.0      # how long the parent waits before it kills the child
EXTRA_MEMORY = 1 << 30  # address space the child may add (bytes)


@dataclass
class Outcome:
    finished: bool
    seconds: float = 0.0         # CPU time the case spent
    grown_mb: float = 0.0        # peak resident memory added while running
    error: str | None = None     # the exception's type name, None when it returned
    message: str = ''
    value: str = ''

    def __str__(self):
        if not self.finished:
            return f'did not finish within {WAIT_SECONDS} s'
        return (f'{self.error or "returned"} after {self.seconds:.3f} s, +{self.grown_mb:.0f} MB: '
                f'{self.message or self.value}')[:500]


def _vm_size() -> int:
    with open('/proc/self/statm') as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _child(fn, writer) -> None:
    limit = _vm_size() + EXTRA_MEMORY
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    try:
        value = fn()
        result = dict(error=None, value=repr(value)[:1000])
    except BaseException as exc:  # what it raised is the outcome
        result = dict(error=type(exc).__name__, message=str(exc)[:1000])
    seconds = time.process_time() - start
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    writer.send(dict(result, seconds=seconds, grown_mb=grown))


def bounded(fn) -> Outcome:
    """Run fn() in a forked child (it must not use the database: the connections are the parent's)."""
    context = multiprocessing.get_context('fork')
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(fn, writer))
    child.start()
    try:
        if not reader.poll(WAIT_SECONDS):
            return Outcome(False)
        return Outcome(True, **reader.recv())
    finally:
        if child.is_alive():
            child.kill()
        child.join()
