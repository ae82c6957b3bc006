"""gunicorn's settings wherever the site is served with it (docker-compose.yml's web, the
benchmarks): gunicorn reads ./gunicorn.conf.py from the directory it starts in."""

import gc


def post_worker_init(worker):
    # What Django builds while loading the site lives as long as the worker. Moved out of the
    # collector's reach, it is no longer walked by every full collection, which otherwise lands in
    # the middle of a request: the repeat look-up's p95 fell from 5.6 to 4.1 ms (bench/README.md).
    gc.freeze()
