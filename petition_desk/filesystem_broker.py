"""The embedded broker of `make run`: kombu's filesystem transport, with its files written safely.

kombu (5.7) creates its files before it locks and writes them:
- a message, under its final name (celery/kombu#1551). A worker polling the folder in between
  takes the empty file, dies on it ("Unrecoverable error: JSONDecodeError") and the message is
  gone. Here a message is written under a name no queue reads and renamed into place.
- an exchange's table of queues, truncated by every process that finds it missing. Two workers
  starting together (`make run` starts two) each write their own table over the other's: one
  worker no longer hears broadcasts such as the health check's ping, or the table is left as
  invalid JSON and every broadcast fails. Here the table is created without truncating and read
  and written under its lock only.
"""

import contextlib
import os
import tempfile
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

# mkstemp makes a file only its owner may read, where kombu's own files follow the umask: read
# once here, while importing (os.umask can only be read by setting it, which threads would race).
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def _table(file) -> list:
    # A table just created by another process and not yet written is empty: no queues yet.
    content = bytes_to_str(file.read())
    return [filesystem.exchange_queue_t(*entry) for entry in loads(content)] if content else []


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        # The name is kombu's: the worker takes a queue's files in the order of the leading
        # milliseconds and matches the queue by the part after the first dot.
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        folder = self.data_folder_out
        try:
            # The leading dot keeps the unfinished file out of every queue.
            descriptor, unfinished = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
            try:
                # A web server and a worker of different users sharing the folder's group.
                os.fchmod(descriptor, 0o666 & ~_UMASK)
                with os.fdopen(descriptor, "wb") as file:
                    file.write(str_to_bytes(dumps(payload)))
                os.replace(unfinished, os.path.join(folder, name))
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(unfinished)
                raise
        except OSError as exc:
            raise ChannelError(f"Cannot add file {name!r} to directory") from exc

    def get_table(self, exchange):
        path = self._exchange_file(exchange)
        try:
            with path.open("rb") as file:
                filesystem.lock(file, filesystem.LOCK_SH)
                return _table(file)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise ChannelError(f"Cannot open {path}") from exc

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        path = self._exchange_file(exchange)
        self.control_folder.mkdir(exist_ok=True)
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        try:
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
            with os.fdopen(descriptor, "rb+", buffering=0) as file:
                filesystem.lock(file, filesystem.LOCK_EX)
                queues = _table(file)
                if binding not in queues:
                    queues.insert(0, binding)
                    file.seek(0)
                    file.write(str_to_bytes(dumps(queues)))
                    file.truncate()
        except OSError as exc:
            raise ChannelError(f"Cannot open {path}") from exc


class Transport(filesystem.Transport):
    Channel = Channel
