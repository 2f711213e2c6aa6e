"""Pages are never stale: what one user changes, the next page anyone loads shows.

On PostgreSQL the list reuses a page read under the same database snapshot
(nothing committed since); these tests change data between identical requests.
"""

from __future__ import annotations

from fastapi import FastAPI

from jixiao.store import queries

from dbtargets import Target, backends
from webutil import SEEDS, Web

pytestmark = backends()


def listed(web: Web, **params: str) -> dict[int, dict[str, object]]:
    items = web.get("/tables.json", params=params).json()["items"]
    return {int(t["id"]): t for t in items}


def test_list_and_detail_show_each_change_at_once(
    rev: Web, rev2: Web, app: FastAPI, target: Target
) -> None:
    before = listed(rev)
    assert listed(rev) == before  # the same again
    html = rev.get("/tables").text
    assert rev.get("/tables").text == html
    if target.backend == "postgresql":
        assert queries._results(app.state.engine).pages  # read once, then reused
    tid = next(i for i, t in before.items() if t["project"] == "平安办工作经费")
    version = before[tid]["version"]
    assert isinstance(version, int)

    # A correction by another reviewer: the list and the page show it at once.
    r = rev2.post(
        f"/tables/{tid}/cells.json",
        {"field": "funds.0.executed", "value": "6,000,000", "version": version},
    )
    assert r.status_code == 200, r.text
    after = listed(rev)
    assert after[tid]["recomputed_total"] == 90.68 and after[tid]["version"] == version + 1
    assert "90.68" in rev.get("/tables", params={"sort": "total"}).text
    assert rev.get(f"/tables/{tid}.json").json()["score"]["recomputed_total"] == 90.68
    assert 'id="recomputed-total">90.68<' in rev.get(f"/tables/{tid}").text

    # A status change, seen through a filter that was read before it.
    assert rev.get("/tables.json", params={"status": "submitted"}).json()["total"] == 0
    r = rev2.post(f"/tables/{tid}/status.json", {"to": "submitted", "version": version + 1})
    assert r.status_code == 200, r.text
    assert rev.get("/tables.json", params={"status": "submitted"}).json()["total"] == 1
    assert "已提交" in rev.get(f"/tables/{tid}").text

    # A review of a finding: the counts in the list follow.
    finding = rev.get(f"/tables/{tid}.json").json()["findings"][0]
    open_before = listed(rev)[tid]["findings"]
    assert isinstance(open_before, dict)
    r = rev2.post(f"/tables/{tid}/findings/{finding['id']}.json", {"action": "confirm"})
    assert r.status_code == 200, r.text
    open_after = listed(rev)[tid]["findings"]
    assert isinstance(open_after, dict)
    assert open_after["open"] == open_before["open"] - 1

    # An upload: the count grows.
    total = rev.get("/tables.json").json()["total"]
    assert rev2.upload((SEEDS[0].name, SEEDS[0].read_bytes())).status_code == 200
    assert rev.get("/tables.json").json()["total"] > total


def test_each_user_sees_only_their_tables(rev: Web, songnan: Web, wusong: Web) -> None:
    everything = rev.get("/tables.json").json()["total"]
    own = songnan.get("/tables.json").json()
    assert 0 < own["total"] < everything or own["total"] == everything
    assert wusong.get("/tables.json").json()["total"] == 0
    assert rev.get("/tables.json").json()["total"] == everything
    assert songnan.get("/tables.json").json()["total"] == own["total"]
    assert wusong.get("/tables").text.count('<td class="num muted">') == 0
