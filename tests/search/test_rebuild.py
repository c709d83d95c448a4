"""Index life on both engines: rebuild beside the live index and swap, resume, switch engines, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from search.engines import make_index
from search.live import CHECKPOINT, POINTER, LiveIndex, current
from search.query import search
from search.rebuild import pending, rebuild
from search.schema import IndexDoc

REPO = Path(__file__).resolve().parents[2]


def _docs(n: int, word: str = "借款合同") -> list[IndexDoc]:
    return [
        IndexDoc(document_id=i, title=f"{word}{i}", text=f"{word} 第{i}号", level="internal")
        for i in range(1, n + 1)
    ]


def _fetcher(docs: list[IndexDoc], calls: list[int] | None = None, fail_after: int | None = None):
    def fetch(after_id: int, limit: int) -> list[IndexDoc]:
        if calls is not None:
            calls.append(after_id)
            if fail_after is not None and len(calls) > fail_after:
                raise RuntimeError("database went away")
        return [d for d in docs if d.document_id > after_id][:limit]

    return fetch


def test_rebuild_swaps_the_new_index_in_while_searches_use_the_old(engine: str, tmp_path: Path) -> None:
    root = tmp_path / "index"
    live = LiveIndex(root, default_engine=engine).open_or_create()
    live.add_documents(_docs(3, "旧文本"))
    seen_during: list[int] = []

    def fetch(after_id: int, limit: int) -> list[IndexDoc]:
        seen_during.append(search(live, "旧文本").total)  # the old index answers meanwhile
        return [d for d in _docs(7, "新文本") if d.document_id > after_id][:limit]

    result = rebuild(root, fetch, engine=engine, chunk=3)
    assert result.written == 7 and seen_during == [3, 3, 3, 3]
    assert json.loads((root / POINTER).read_text())["engine"] == engine
    assert search(live, "新文本").total == 7  # the same LiveIndex follows the pointer
    assert search(live, "旧文本").total == 0
    assert not (root / CHECKPOINT).exists()
    live.close()


def test_an_interrupted_rebuild_resumes_from_its_checkpoint(engine: str, tmp_path: Path) -> None:
    root = tmp_path / "index"
    docs = _docs(10)
    calls: list[int] = []
    with pytest.raises(RuntimeError):
        rebuild(root, _fetcher(docs, calls, fail_after=2), engine=engine, chunk=4)
    assert pending(root)["last_id"] == 8 and pending(root)["done"] == 8
    assert not (root / POINTER).exists()  # nothing swapped in
    calls.clear()
    result = rebuild(root, _fetcher(docs, calls), engine=engine, chunk=4)
    assert calls[0] == 8  # continued after the last committed chunk
    assert (result.written, result.resumed_from) == (10, 8)
    with LiveIndex(root, default_engine=engine) as live:
        assert live.doc_ids() == set(range(1, 11))


def test_rebuild_switches_the_engine(tmp_path: Path) -> None:
    root = tmp_path / "index"
    live = LiveIndex(root, default_engine="whoosh").open_or_create()
    live.add_documents(_docs(2))
    assert live.engine == "whoosh"
    rebuild(root, _fetcher(_docs(5)), engine="tantivy", chunk=2)
    assert live.engine == "tantivy" and search(live, "借款合同").total == 5
    rebuild(root, _fetcher(_docs(4)), engine="whoosh", chunk=3)
    assert live.engine == "whoosh" and search(live, "借款合同").total == 4
    # the generation before the live one is kept for readers still on it; older ones are gone
    assert len(list(root.glob("gen-*"))) == 2
    live.close()


def test_a_rebuild_for_another_engine_starts_afresh(tmp_path: Path) -> None:
    root = tmp_path / "index"
    with pytest.raises(RuntimeError):
        rebuild(root, _fetcher(_docs(9), [], fail_after=1), engine="whoosh", chunk=4)
    abandoned = root / pending(root)["dir"]
    result = rebuild(root, _fetcher(_docs(9)), engine="tantivy", chunk=4)
    assert result.resumed_from == 0 and not abandoned.exists()
    assert current(root, "whoosh").engine == "tantivy"


_WRITER = textwrap.dedent(
    """
    import sys
    from search.engines import make_index
    from search.schema import IndexDoc
    index = make_index(sys.argv[1], sys.argv[2], batch_size=400).open_or_create()
    text = "借款合同 " * 400
    n = 0
    while True:
        index.add_documents(IndexDoc(document_id=n + i, title=f"文件{n + i}", text=text) for i in range(400))
        n += 400
        print(n, flush=True)
    """
)


@pytest.mark.parametrize("delay", [0.0, 0.15, 0.4])
def test_a_killed_writer_leaves_an_index_that_opens(engine: str, tmp_path: Path, delay: float) -> None:
    path = tmp_path / "ix"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, engine, str(path)], stdout=subprocess.PIPE, env=env, text=True
    )
    assert writer.stdout is not None
    committed = int(writer.stdout.readline())  # one batch is in; the next commit is under way
    time.sleep(delay)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    index = make_index(engine, path, lock_timeout=5).open_or_create()
    count = index.doc_count()
    assert count >= committed and count % 400 == 0  # whole batches only
    assert search(index, "借款合同", limit=1).total == count
    # the lock died with the writer: the job can be retried
    index.add_documents([IndexDoc(document_id=10**6, title="重试", text="重试的文件")])
    assert search(index, "重试").total == 1
    index.close()


def test_readers_do_not_wait_for_a_writer_holding_the_lock(engine: str, tmp_path: Path) -> None:
    index = make_index(engine, tmp_path / "ix", lock_timeout=0.3).open_or_create()
    index.add_documents(_docs(3))
    other = make_index(engine, tmp_path / "ix", lock_timeout=0.3).open_or_create()
    with other._writer() as writer:  # another writer holds the lock, mid-batch
        writer.delete_documents_by_term("id", 1) if engine == "tantivy" else writer.delete_by_term("id", 1)
        assert search(index, "借款合同").total == 3  # the last commit, at once
        with pytest.raises(Exception):  # noqa: B017 - LockError (Whoosh) or ValueError (tantivy)
            index.add_documents(_docs(1))  # a second writer does wait, then gives up
        if engine == "tantivy":
            writer.commit()  # (Whoosh commits as the writer closes)
    assert search(index, "借款合同").total == 2
    index.close()
    other.close()


def test_a_chunk_committed_but_not_checkpointed_is_replaced_not_doubled(engine: str, tmp_path: Path) -> None:
    root = tmp_path / "index"
    docs = _docs(10)
    with pytest.raises(RuntimeError):
        rebuild(root, _fetcher(docs, [], fail_after=2), engine=engine, chunk=4)
    state = pending(root)
    # as if killed after the second commit, before its checkpoint was written
    (root / CHECKPOINT).write_text(json.dumps(state | {"last_id": 4, "done": 4}))
    rebuild(root, _fetcher(docs), engine=engine, chunk=4)
    with LiveIndex(root, default_engine=engine) as live:
        assert live.doc_count() == 10
        assert search(live, "借款合同").total == 10


_REBUILDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from search.rebuild import rebuild
    from search.schema import IndexDoc

    def fetch(after_id, limit):
        return [IndexDoc(document_id=i, title=f"合同{i}", text="借款合同 " * 50)
                for i in range(after_id + 1, after_id + 1 + limit)]

    rebuild(Path(sys.argv[2]), fetch, engine=sys.argv[1], chunk=100, workers=2,
            on_chunk=lambda n: print("chunk", flush=True))
    """
)


def test_a_killed_rebuild_takes_its_pool_workers_with_it(tmp_path: Path) -> None:
    psutil = pytest.importorskip("psutil")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    runner = subprocess.Popen(
        [sys.executable, "-c", _REBUILDER, "whoosh", str(tmp_path / "ix")], stdout=subprocess.PIPE, env=env,
        text=True,
    )  # fmt: skip
    assert runner.stdout is not None
    assert runner.stdout.readline().startswith("chunk")  # the pool is working
    workers = psutil.Process(runner.pid).children()  # a fork pool: they read their tasks from its pipe
    assert len(workers) == 2
    runner.send_signal(signal.SIGKILL)
    runner.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    for process in alive:  # never leave them behind, even when the test fails
        process.kill()
    assert alive == []
